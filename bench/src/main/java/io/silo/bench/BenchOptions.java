package io.silo.bench;

import io.silo.bench.setup.Migration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a run, validated and with every default filled in ({@link BenchCommand} says
 * which). Immutable.
 *
 * @param tenants organizations to provision
 * @param services services of each, besides {@code core}; must include {@link #SERVICE}
 * @param documents documents per tenant in {@link #COLLECTION}
 * @param users users per tenant (the first administrator included), each with a token the load uses
 * @param clients concurrent clients of every load phase, baseline included
 * @param warmup unmeasured time at the start of each phase
 * @param measure measured time of each phase
 * @param zipfExponent the skew of tenant choice: 0 is uniform, 1 is classic Zipf
 * @param seed the seed of every random choice, so runs ask for the same things
 * @param provisionConcurrency organizations created at once (1: per-tenant times are not inflated by each other)
 * @param setupConcurrency requests at once while signing users in and writing documents
 * @param rawRounds rounds of raw CREATE DATABASE, each one database per template, spread among the tenants
 * @param migrationRounds rounds of the migration phase, each migrating every tenant once each way: odd rounds
 *     directly first, even rounds by the rollout job first
 * @param profile whether to record a JFR profile of Silo in an extra routed-read phase
 * @param pgbench whether to run {@code pgbench -S} too, when installed
 * @param smoke the small, fast variant: fails only when the run is broken (more than 1 % errors), never on timing
 * @param database a PostgreSQL server you run; empty to start an embedded one
 * @param fsync fsync of the embedded server
 * @param soak how long routed reads run at half the peak after the other phases, watching Silo's memory; zero for none
 * @param maxConnections {@code max_connections} of the embedded server
 * @param siloJar the Silo launcher jar ({@code cli/target/silo.jar})
 * @param siloJvmOptions options of Silo's JVM
 * @param siloEnv further {@code SILO_*} configuration of Silo, e.g. {@code SILO_POOLS_DEFAULT_BUDGET}
 * @param workDir where the embedded server and Silo keep their data during the run
 * @param keep keep {@code workDir} (and an external server's databases) after the run
 * @param report the Markdown file the run is appended to
 */
public record BenchOptions(
        int tenants,
        List<String> services,
        int documents,
        int users,
        int clients,
        Duration warmup,
        Duration measure,
        double zipfExponent,
        long seed,
        int provisionConcurrency,
        int setupConcurrency,
        int rawRounds,
        int migrationRounds,
        boolean profile,
        Duration soak,
        boolean pgbench,
        boolean smoke,
        Optional<ExternalDatabase> database,
        boolean fsync,
        int maxConnections,
        Path siloJar,
        List<String> siloJvmOptions,
        Map<String, String> siloEnv,
        Path workDir,
        boolean keep,
        Path report) {

    /** The service whose documents the load reads and writes. */
    public static final String SERVICE = "billing";
    /** Its collection. */
    public static final String COLLECTION = "invoices";

    /** A PostgreSQL server you run: any database on it in the URL, a role that may create databases and roles. */
    public record ExternalDatabase(String url, String user, String password) {
        @Override
        public String toString() {
            return "ExternalDatabase[" + io.silo.postgres.jdbc.JdbcUrls.redacted(url) + " as " + user + "]";
        }
    }

    public BenchOptions {
        services = List.copyOf(services);
        siloJvmOptions = List.copyOf(siloJvmOptions);
        siloEnv = Map.copyOf(siloEnv);
        check(tenants >= 2 && tenants <= 10_000, "--tenants must be from 2 to 10000, got " + tenants);
        check(
                services.contains(SERVICE),
                "--services must include " + SERVICE + ", whose " + COLLECTION + " the load reads and writes; got "
                        + services);
        check(!services.contains("core"), "--services names services besides core, which every tenant has");
        check(documents >= 1 && documents <= 100_000, "--documents must be from 1 to 100000, got " + documents);
        check(users >= 1 && users <= 50, "--users must be from 1 to 50, got " + users);
        check(clients >= 1 && clients <= 1024, "--clients must be from 1 to 1024, got " + clients);
        check(
                !measure.isNegative() && measure.toSeconds() >= 1,
                "--seconds must be at least 1, got " + measure.toSeconds());
        check(!warmup.isNegative(), "--warmup must not be negative");
        check(!soak.isNegative() && soak.toMinutes() <= 24 * 60, "--soak must be from 0 to 1440 minutes");
        check(zipfExponent >= 0 && zipfExponent <= 5, "--zipf must be from 0 to 5, got " + zipfExponent);
        check(provisionConcurrency >= 1 && setupConcurrency >= 1, "concurrency must be at least 1");
        check(rawRounds >= 1 && rawRounds < tenants, "--raw-rounds must be from 1 to tenants - 1, got " + rawRounds);
        check(
                migrationRounds >= 1 && migrationRounds <= Migration.MAX_ROUNDS,
                "--migration-rounds must be from 1 to " + Migration.MAX_ROUNDS + ", got " + migrationRounds);
        siloEnv.keySet()
                .forEach(name -> check(name.startsWith("SILO_"), "--silo-env takes SILO_* variables, got " + name));
    }

    /** Databases per tenant: core and the services. */
    public int databasesPerTenant() {
        return services.size() + 1;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
