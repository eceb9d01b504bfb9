package io.silo.http.cluster;

import static io.silo.testing.TestInvoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.Application;
import io.silo.app.backup.Restores;
import io.silo.audit.AuditEntry;
import io.silo.config.SiloConfig;
import io.silo.crypto.BackupKey;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.postgres.backup.DatabaseDump;
import io.silo.postgres.move.MoveJob;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Clusters per service (issue 18): the office suite keeps billing, CRM and pingora on separate
 * servers. Three clusters (primary {@code zone: a}; secondary {@code zone: b, tier: billing};
 * tertiary {@code zone: c, tier: crm}) and the deployment's defaults {@code placement.services}:
 * billing on {@code tier: billing}, crm on {@code tier: crm}. An organization's services then live
 * on three clusters, its role on each; its members read and write every service; a backup comes back
 * to the same clusters; a service added later, a move of one service and a drain follow the same
 * rules; two placements at once cannot both take a cluster's last room.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClustersPerServiceTest {
    private static final AuditEntry.Actor OPERATOR = AuditEntry.Actor.system("clusters-per-service-test");
    private static TestSilo silo;
    private static SiloClient admin;
    private static TestTenant office;

    @TempDir
    static Path folder;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(
                3,
                Map.of(),
                config -> config.withPlacement(new SiloConfig.Placement(Map.of(
                        "billing", Map.of("tier", "billing"),
                        "crm", Map.of("tier", "crm")))));
        admin = silo.client().asAdmin();
        label("primary", Map.of("zone", "a"));
        label("secondary", Map.of("zone", "b", "tier", "billing"));
        label("tertiary", Map.of("zone", "c", "tier", "crm"));
        office = TestTenants.create(
                silo.client(),
                "Office Suite",
                List.of("billing", "crm", "pingora"),
                Map.of(
                        "placement",
                        Map.of(
                                "core", Map.of("labels", Map.of("zone", "a")),
                                "pingora", Map.of("labels", Map.of("zone", "a")))));
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    @Order(1)
    void eachServiceLivesOnTheClusterItsLabelsChoseAndItsMembersUseThemAll() {
        assertThat(clusters(office.slug()))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("core", "primary", "billing", "secondary", "crm", "tertiary", "pingora", "primary"));
        List<String> shown = new ArrayList<>();
        office.organization()
                .path("databases")
                .forEach(database -> shown.add(database.path("cluster").asString()));
        assertThat(shown)
                .as("the organization shows each database's cluster")
                .containsExactlyInAnyOrder("primary", "secondary", "tertiary", "primary");
        String role = "silo_t_" + office.id().replace("-", "");
        for (TestPostgres server : List.of(TestPostgres.primary(), TestPostgres.secondary(), TestPostgres.tertiary())) {
            assertThat(server.admin().query("SELECT 1 FROM pg_roles WHERE rolname = ?", row -> 1, role))
                    .as("the tenant role on server " + server.name())
                    .hasSize(1);
        }
        writeEveryService(office.client(), "O-1");
        TestTenants.addMember(
                office, "clerk@officesuite.example", Map.of("billing", "user", "crm", "user", "pingora", "user"));
        SiloClient clerk =
                TestTenants.signIn(silo.client(), office.slug(), "clerk@officesuite.example", TestTenants.PASSWORD);
        assertThat(counts(clerk)).isEqualTo(Map.of("billing", 1L, "crm", 1L, "pingora", 1L));

        // the role's password is rotated on every server the organization uses, and its pools follow
        Map<String, String> before = verifiers(role);
        SiloClient.Response rotated =
                admin.post("/api/organizations/" + office.slug() + "/rotate-role-password", Map.of());
        assertThat(rotated.status()).as(rotated.toString()).isIn(200, 202);
        assertThat(awaitJob(rotated.json().path("job").path("id").asString())
                        .path("state")
                        .asString())
                .isEqualTo("succeeded");
        Map<String, String> after = verifiers(role);
        assertThat(after.keySet()).containsExactlyInAnyOrder("primary", "secondary", "tertiary");
        after.forEach((server, verifier) ->
                assertThat(verifier).as("a new password on " + server).isNotEqualTo(before.get(server)));
        writeEveryService(office.client(), "O-R");
        assertThat(counts(clerk)).isEqualTo(Map.of("billing", 2L, "crm", 2L, "pingora", 2L));
        deleteEveryService(office.client(), "O-R");
    }

    /** The role's password verifier on each server, read as the superuser. */
    private static Map<String, String> verifiers(String role) {
        Map<String, String> verifiers = new TreeMap<>();
        for (TestPostgres server : List.of(TestPostgres.primary(), TestPostgres.secondary(), TestPostgres.tertiary())) {
            server.admin()
                    .query(
                            "SELECT rolpassword FROM pg_authid WHERE rolname = ?",
                            row -> verifiers.put(server.name(), row.getString(1)),
                            role);
        }
        return verifiers;
    }

    private static void deleteEveryService(SiloClient client, String number) {
        for (var collection : List.of(
                Map.entry("billing/invoices", "number"),
                Map.entry("crm/contacts", "name"),
                Map.entry("pingora/teams", "name"))) {
            JsonNode items =
                    client.get("/api/data/" + collection.getKey()).json().path("items");
            for (JsonNode item : items) {
                if (item.path(collection.getValue()).asString().endsWith(number)) {
                    SiloClient.Response deleted = client.delete("/api/data/" + collection.getKey() + "/"
                            + item.path("_id").asString());
                    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
                }
            }
        }
    }

    @Test
    @Order(2)
    void aPlacementThatCannotBeMetIsRefusedWithItsProblemType() {
        assertThat(create("Bad One", Map.of("nosuch", Map.of("cluster", "primary")))
                        .problemType())
                .isEqualTo("unknown-service");
        assertThat(create("Bad Two", Map.of("pos", Map.of("cluster", "primary")))
                        .problemType())
                .as("a service the organization does not get")
                .isEqualTo("invalid-placement");
        assertThat(create("Bad Three", Map.of("billing", Map.of("cluster", "primary", "labels", Map.of("zone", "a"))))
                        .problemType())
                .isEqualTo("invalid-placement");
        assertThat(create("Bad Four", Map.of("billing", Map.of())).problemType())
                .isEqualTo("invalid-placement");
        SiloClient.Response unknown = create("Bad Five", Map.of("billing", Map.of("cluster", "nowhere")));
        assertThat(unknown.problemType()).isEqualTo("unknown-cluster");
        assertThat(unknown.json().path("field").asString()).isEqualTo("placement.billing.cluster");
        assertThat(create("Bad Six", Map.of("billing", Map.of("labels", Map.of("zone", "mars"))))
                        .problemType())
                .isEqualTo("no-cluster-available");
        assertThat(silo.control().query("SELECT slug FROM tenants WHERE name LIKE 'Bad %'", row -> row.getString(1)))
                .as("nothing recorded")
                .isEmpty();
    }

    @Test
    @Order(3)
    void aBackupComesBackWithEachDatabaseOnItsCluster() throws Exception {
        BackupKey key = BackupKey.random();
        Path archive = folder.resolve("office.silo-backup");
        app().backups().backup(office.slug(), archive, key, false, DatabaseDump.Progress.NONE, OPERATOR);

        Restores.Restored copy = app().restores()
                .restore(
                        archive,
                        key,
                        new Restores.Options(Optional.of("office-copy"), Optional.empty()),
                        DatabaseDump.Progress.NONE,
                        OPERATOR);

        assertThat(copy.tenant().status().value()).isEqualTo("active");
        assertThat(clusters("office-copy")).isEqualTo(clusters(office.slug()));
        SiloClient copyAdmin =
                TestTenants.signIn(silo.client(), "office-copy", office.adminEmail(), TestTenants.PASSWORD);
        assertThat(counts(copyAdmin)).isEqualTo(counts(office.client()));
        writeEveryService(copyAdmin, "C-1");
        assertThat(counts(copyAdmin)).isEqualTo(Map.of("billing", 2L, "crm", 2L, "pingora", 2L));
        assertThat(counts(office.client())).isEqualTo(Map.of("billing", 1L, "crm", 1L, "pingora", 1L));

        // --cluster keeps its meaning: every database there
        Restores.Restored together = app().restores()
                .restore(
                        archive,
                        key,
                        new Restores.Options(Optional.of("office-together"), Optional.of("secondary")),
                        DatabaseDump.Progress.NONE,
                        OPERATOR);
        assertThat(together.tenant().databases())
                .allSatisfy(database -> assertThat(database.clusterId()).isEqualTo("secondary"));
    }

    @Test
    @Order(4)
    void aServiceAddedLaterGoesWhereTheDefaultsPlaceIt() {
        TestTenant team =
                TestTenants.create(silo.client(), "Team Only", List.of("pingora"), Map.of("cluster", "primary"));
        SiloClient.Response added =
                admin.post("/api/organizations/" + team.slug() + "/services", Map.of("service", "crm"));
        assertThat(added.status()).as(added.toString()).isBetween(200, 202);
        assertThat(clusters(team.slug())).containsEntry("crm", "tertiary").containsEntry("pingora", "primary");
        SiloClient member = TestTenants.signIn(silo.client(), team.slug(), team.adminEmail(), TestTenants.PASSWORD);
        SiloClient.Response contact = member.post("/api/data/crm/contacts", Map.of("name", "Grace"));
        assertThat(contact.status()).as(contact.toString()).isEqualTo(201);
    }

    @Test
    @Order(5)
    void aMoveOfOneServiceCarriesOnlyItsDatabase() {
        SiloClient.Response started = admin.post(
                "/api/admin/organizations/" + office.slug() + "/move",
                Map.of("cluster", "tertiary", "service", "pingora"));
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        JsonNode ended = awaitJob(started.json().path("id").asString());
        assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("succeeded");

        assertThat(clusters(office.slug()))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("core", "primary", "billing", "secondary", "crm", "tertiary", "pingora", "tertiary"));
        assertThat(counts(office.client())).isEqualTo(Map.of("billing", 1L, "crm", 1L, "pingora", 1L));
        assertThat(admin.post(
                                "/api/admin/organizations/" + office.slug() + "/move",
                                Map.of("cluster", "tertiary", "service", "pingora"))
                        .problemType())
                .isEqualTo("move-refused");
        assertThat(admin.post(
                                "/api/admin/organizations/" + office.slug() + "/move",
                                Map.of("cluster", "primary", "service", "pos"))
                        .problemType())
                .isEqualTo("unknown-service");
    }

    @Test
    @Order(6)
    void twoPlacementsOrMovesAtOnceCannotBothTakeTheLastRoom() throws Exception {
        // regression (issue 18): the capacity check counted without a lock, so two started in the same
        // instant could both pass and overfill the cluster; it is now a reservation under a row lock
        long held = databasesOn("secondary");
        silo.control().update("UPDATE clusters SET capacity = ? WHERE id = 'secondary'", (int) held + 2);
        List<SiloClient.Response> created = atOnce(
                () -> admin.post("/api/organizations", body("Race One", Map.of("cluster", "secondary"))),
                () -> admin.post("/api/organizations", body("Race Two", Map.of("cluster", "secondary"))));
        assertThat(created.stream().map(SiloClient.Response::status).sorted().toList())
                .as(created.toString())
                .containsExactly(201, 409);
        assertThat(created.stream().filter(response -> response.status() == 409))
                .allSatisfy(refused -> assertThat(refused.problemType()).isEqualTo("cluster-full"));
        assertThat(databasesOn("secondary")).isEqualTo(held + 2);

        TestTenant first =
                TestTenants.create(silo.client(), "Mover One", List.of("pingora"), Map.of("cluster", "primary"));
        TestTenant second =
                TestTenants.create(silo.client(), "Mover Two", List.of("pingora"), Map.of("cluster", "primary"));
        silo.control().update("UPDATE clusters SET capacity = ? WHERE id = 'secondary'", (int) held + 4);
        List<Object> started = atOnce(() -> startMove(first), () -> startMove(second));
        List<Job> jobs = started.stream()
                .filter(Job.class::isInstance)
                .map(Job.class::cast)
                .toList();
        assertThat(jobs).as(started.toString()).hasSize(1);
        assertThat(started)
                .as(started.toString())
                .anySatisfy(refused -> assertThat(refused).isEqualTo("cluster-full"));
        assertThat(app().moves().runInline(jobs.getFirst().id()).state()).isEqualTo(JobState.SUCCEEDED);
        silo.control().update("UPDATE clusters SET capacity = 5000 WHERE id = 'secondary'");
    }

    @Test
    @Order(7)
    void aDrainMovesOnlyTheDatabasesOnTheDrainedCluster() {
        SiloClient.Response started = admin.post("/api/admin/clusters/tertiary/drain", Map.of("parallel", 2));
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        JsonNode ended = awaitJob(started.json().path("id").asString());
        assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("succeeded");

        Map<String, String> after = clusters(office.slug());
        assertThat(after)
                .containsEntry("core", "primary")
                .containsEntry("billing", "secondary")
                .doesNotContainValue("tertiary");
        assertThat(silo.control()
                        .query(
                                "SELECT count(*) FROM tenant_databases WHERE cluster_id = 'tertiary'",
                                row -> row.getLong(1)))
                .containsExactly(0L);
        assertThat(counts(office.client())).isEqualTo(Map.of("billing", 1L, "crm", 1L, "pingora", 1L));
        writeEveryService(office.client(), "O-2");
    }

    private static Object startMove(TestTenant tenant) {
        try {
            return app().moves().start(tenant.slug(), "secondary", MoveJob.Method.AUTO, OPERATOR, Duration.ofHours(1));
        } catch (io.silo.error.SiloException e) {
            return e.type();
        }
    }

    @SafeVarargs
    private static <T> List<T> atOnce(Callable<? extends T>... tasks) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(tasks.length);
        ExecutorService threads = Executors.newFixedThreadPool(tasks.length);
        try {
            List<Future<? extends T>> futures = new ArrayList<>();
            for (Callable<? extends T> task : tasks) {
                futures.add(threads.submit(() -> {
                    barrier.await();
                    return task.call();
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<? extends T> future : futures) {
                out.add(future.get());
            }
            return out;
        } finally {
            threads.shutdownNow();
        }
    }

    private static long databasesOn(String cluster) {
        return silo.control()
                .query("SELECT count(*) FROM tenant_databases WHERE cluster_id = ?", row -> row.getLong(1), cluster)
                .getFirst();
    }

    private static void label(String cluster, Map<String, String> labels) {
        SiloClient.Response changed = admin.patch("/api/admin/clusters/" + cluster, Map.of("labels", labels));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    }

    private static SiloClient.Response create(String name, Map<String, Object> placement) {
        return admin.post("/api/organizations", body(name, Map.of("placement", placement)));
    }

    private static Map<String, Object> body(String name, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of(
                "name",
                name,
                "services",
                List.of("billing"),
                "admin",
                Map.of("email", "admin@race.example", "name", "Admin", "password", TestTenants.PASSWORD)));
        body.putAll(extra);
        return body;
    }

    private static JsonNode awaitJob(String job) {
        return Eventually.get(
                Duration.ofSeconds(180),
                () -> admin.get("/api/admin/jobs/" + job).json(),
                body -> body.path("state").asString().matches("succeeded|failed|cancelled"));
    }

    private static Map<String, String> clusters(String slug) {
        Map<String, String> clusters = new TreeMap<>();
        silo.control()
                .query(
                        "SELECT d.service, d.cluster_id FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id"
                                + " WHERE t.slug = ?",
                        row -> clusters.put(row.getString(1), row.getString(2)),
                        slug);
        return clusters;
    }

    private static void writeEveryService(SiloClient client, String number) {
        for (var write : List.of(
                Map.entry("/api/data/billing/invoices", invoice(number)),
                Map.entry("/api/data/crm/contacts", Map.<String, Object>of("name", "Contact " + number)),
                Map.entry("/api/data/pingora/teams", Map.<String, Object>of("name", "Team " + number)))) {
            SiloClient.Response written = client.post(write.getKey(), write.getValue());
            assertThat(written.status()).as(write.getKey() + " " + written).isEqualTo(201);
        }
    }

    private static Map<String, Long> counts(SiloClient client) {
        Map<String, Long> counts = new TreeMap<>();
        for (var collection : Map.of("billing", "invoices", "crm", "contacts", "pingora", "teams")
                .entrySet()) {
            SiloClient.Response counted =
                    client.get("/api/data/" + collection.getKey() + "/" + collection.getValue() + "/_count");
            assertThat(counted.status()).as(counted.toString()).isEqualTo(200);
            counts.put(collection.getKey(), counted.json().path("count").asLong());
        }
        return counts;
    }

    private static Application app() {
        return silo.silo().application();
    }
}
