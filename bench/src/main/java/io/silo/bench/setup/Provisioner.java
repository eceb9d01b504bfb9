package io.silo.bench.setup;

import io.silo.bench.system.Pause;
import io.silo.testing.SiloClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Creates organizations as a platform administrator does: {@code POST /api/organizations} with
 * the run's services and a first administrator, timed from the request until the organization is
 * active (the answer is 201; a 202 is followed until its job is done).
 *
 * <p>Thread-safe.
 */
public final class Provisioner {
    private static final Duration JOB_LIMIT = Duration.ofMinutes(5);

    private final SiloClient admin;
    private final List<String> services;
    private final java.util.Optional<String> cluster;

    /** @param admin a client signed in as a platform administrator */
    public Provisioner(SiloClient admin, List<String> services) {
        this(admin, services, java.util.Optional.empty());
    }

    private Provisioner(SiloClient admin, List<String> services, java.util.Optional<String> cluster) {
        this.admin = admin;
        this.services = List.copyOf(services);
        this.cluster = cluster;
    }

    /** The same, placing every organization on {@code cluster} instead of where placement chooses. */
    public Provisioner on(String cluster) {
        return new Provisioner(admin, services, java.util.Optional.of(cluster));
    }

    /** Creates tenant {@code index}; fails the run when Silo refuses or the job fails. */
    public ProvisionedTenant create(int index) {
        String number = String.format(Locale.ROOT, "%05d", index);
        String slug = "bench-" + number;
        String email = "admin@" + slug + ".bench.example";
        Map<String, Object> body = new HashMap<>(Map.of(
                "name",
                "Bench " + number,
                "slug",
                slug,
                "services",
                services,
                "admin",
                Map.of("email", email, "name", "Administrator of " + slug, "password", ProvisionedTenant.PASSWORD)));
        cluster.ifPresent(id -> body.put("cluster", id));
        long start = System.nanoTime();
        SiloClient.Response created = admin.post("/api/organizations", body);
        JsonNode organization = switch (created.status()) {
            case 201 -> created.json();
            case 202 -> awaitJob(slug, created.json());
            default -> throw new IllegalStateException("creating organization " + slug + " failed: " + created);
        };
        long nanos = System.nanoTime() - start;
        Map<String, String> databases = new HashMap<>();
        organization
                .path("databases")
                .forEach(database -> databases.put(
                        database.path("service").asString(),
                        database.path("name").asString()));
        return new ProvisionedTenant(
                index, UUID.fromString(organization.path("id").asString()), slug, email, databases, nanos);
    }

    /** Creates tenants {@code from … to-1}, {@code concurrency} at a time. */
    public List<ProvisionedTenant> createAll(int from, int to, int concurrency) {
        return Parallel.map(to - from, concurrency, offset -> create(from + offset));
    }

    private JsonNode awaitJob(String slug, JsonNode accepted) {
        String job = accepted.path("job").path("id").asString();
        long deadline = System.nanoTime() + JOB_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode state = admin.get("/api/admin/jobs/" + job).json();
            switch (state.path("state").asString()) {
                case "succeeded" -> {
                    return admin.get("/api/organizations/" + slug).json();
                }
                case "failed" ->
                    throw new IllegalStateException("provisioning " + slug + " failed: "
                            + state.path("error").asString());
                default -> Pause.sleep(Duration.ofMillis(20), "provisioning " + slug);
            }
        }
        throw new IllegalStateException(
                "provisioning " + slug + " did not finish within " + JOB_LIMIT.toMinutes() + " minutes");
    }
}
