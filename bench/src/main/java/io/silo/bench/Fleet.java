package io.silo.bench;

import io.silo.bench.load.TenantTarget;
import io.silo.bench.load.Workload;
import io.silo.bench.report.ProvisioningResult;
import io.silo.bench.setup.Documents;
import io.silo.bench.setup.HashCost;
import io.silo.bench.setup.Members;
import io.silo.bench.setup.ProvisionedTenant;
import io.silo.bench.setup.Provisioner;
import io.silo.bench.setup.RawCreateDatabase;
import io.silo.bench.setup.Timings;
import io.silo.bench.stack.PostgresServer;
import io.silo.testing.SiloClient;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The tenants of a run, made in order: the first organization (which builds the template
 * databases), raw CREATE DATABASE timings, every other organization (timed), raw timings again,
 * the cost of one password hash, users and their tokens, documents; then the workload over them,
 * tenants in a seeded random order of Zipf ranks.
 *
 * <p>Not thread-safe: one run builds one fleet.
 */
final class Fleet {
    /** What was built, and how long it took. */
    record Built(
            ProvisioningResult provisioning,
            List<ProvisionedTenant> tenants,
            Workload workload,
            Map<String, Double> seconds) {}

    private final BenchOptions options;
    private final PostgresServer server;
    private final SiloClient anonymous;
    private final SiloClient admin;
    private final Consumer<String> progress;
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    Fleet(
            BenchOptions options,
            PostgresServer server,
            SiloClient anonymous,
            SiloClient admin,
            Consumer<String> progress) {
        this.options = options;
        this.server = server;
        this.anonymous = anonymous;
        this.admin = admin;
        this.progress = progress;
    }

    Built build(Map<String, String> siloEnv) throws SQLException {
        long start = System.nanoTime();
        Provisioner provisioner = new Provisioner(admin, options.services());
        ProvisionedTenant first = provisioner.create(0);
        List<String> services = new ArrayList<>(List.of("core"));
        services.addAll(options.services());
        List<String> templates = RawCreateDatabase.templates(server, services);
        progress.accept("provisioning " + (options.tenants() - 1) + " more tenants, with " + options.rawRounds()
                + " rounds of raw CREATE DATABASE … TEMPLATE spread among them");
        List<ProvisionedTenant> tenants = new ArrayList<>(List.of(first));
        List<Long> raw = new ArrayList<>();
        double provisioningSeconds = 0;
        for (int round = 0; round < options.rawRounds(); round++) {
            // the raw creations run between the tenants, so that both see the same server: as busy, as big
            int from = 1 + (int) ((long) (options.tenants() - 1) * round / options.rawRounds());
            int to = 1 + (int) ((long) (options.tenants() - 1) * (round + 1) / options.rawRounds());
            long chunk = System.nanoTime();
            tenants.addAll(provisioner.createAll(from, to, options.provisionConcurrency()));
            provisioningSeconds += (System.nanoTime() - chunk) / 1e9;
            progress.accept(String.format(
                    Locale.ROOT,
                    "provisioned %d of %d tenants (%.1f per second)",
                    tenants.size(),
                    options.tenants(),
                    (tenants.size() - 1) / provisioningSeconds));
            raw.addAll(RawCreateDatabase.measure(server, templates, "r" + round));
        }
        Timings hash = HashCost.measure(
                intEnv(siloEnv, "SILO_PASSWORDS_MEMORY_KIB", 19456),
                intEnv(siloEnv, "SILO_PASSWORDS_ITERATIONS", 2),
                intEnv(siloEnv, "SILO_PASSWORDS_PARALLELISM", 1),
                10);
        ProvisioningResult provisioning = new ProvisioningResult(
                options.databasesPerTenant(),
                first.nanos() / 1e6,
                Timings.ofNanos(tenants.subList(1, tenants.size()).stream()
                        .map(ProvisionedTenant::nanos)
                        .toList()),
                options.provisionConcurrency(),
                provisioningSeconds,
                Timings.ofNanos(raw),
                hash);
        progress.accept(String.format(
                Locale.ROOT,
                "provisioning: p50 %.0f ms per tenant; raw CREATE DATABASE p50 %.0f ms; " + "argon2id p50 %.0f ms",
                provisioning.perTenant().median(),
                provisioning.raw().median(),
                hash.median()));
        seconds.put("provisioning", since(start));
        return new Built(provisioning, tenants, workload(tenants), seconds);
    }

    private Workload workload(List<ProvisionedTenant> tenants) {
        long start = System.nanoTime();
        List<List<String>> tokens = new Members(anonymous, BenchOptions.SERVICE)
                .signIn(tenants, options.users(), options.setupConcurrency(), progress);
        seconds.put("users and sign-ins", since(start));
        start = System.nanoTime();
        List<List<UUID>> documents = new Documents(
                        anonymous, BenchOptions.SERVICE, BenchOptions.COLLECTION, options.seed())
                .seed(
                        tenants,
                        tokens.stream().map(List::getFirst).toList(),
                        options.documents(),
                        options.setupConcurrency(),
                        progress);
        seconds.put("documents", since(start));
        List<TenantTarget> targets = new ArrayList<>();
        for (int i = 0; i < tenants.size(); i++) {
            ProvisionedTenant tenant = tenants.get(i);
            targets.add(new TenantTarget(
                    tenant.slug(), tenant.databases().get(BenchOptions.SERVICE), tokens.get(i), documents.get(i)));
        }
        // hot tenants are not the first ones created, nor the last
        Collections.shuffle(targets, new Random(options.seed()));
        return Workload.zipf(
                targets, options.zipfExponent(), BenchOptions.SERVICE, BenchOptions.COLLECTION, options.seed());
    }

    private static int intEnv(Map<String, String> env, String name, int fallback) {
        return env.containsKey(name) ? Integer.parseInt(env.get(name).trim()) : fallback;
    }

    private static double since(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
