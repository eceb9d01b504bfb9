package io.silo.bench;

import io.silo.bench.backup.BackupBench;
import io.silo.bench.move.MoveBench;
import io.silo.bench.stack.DebianPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code silo bench}: parses the command line, fills in the defaults of a full run or of
 * {@code --smoke}, runs, and exits 0 unless the run broke. Timing never fails a run.
 */
@Command(
        name = "silo bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Provisions tenants, measures the raw-JDBC baseline, routed reads and writes over HTTP, and a migration across "
                    + "all tenants, in one run; appends every figure to docs/benchmarks.md.",
            "Defaults in brackets are a full run's; --smoke changes those marked (smoke: …)."
        })
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--tenants", description = "organizations to provision [1000] (smoke: 50)")
    Integer tenants;

    @Option(
            names = "--services",
            split = ",",
            description = "services of each besides core, must include billing [billing,crm,pingora]")
    List<String> services = List.of("billing", "crm", "pingora");

    @Option(names = "--documents", description = "invoices per tenant [300] (smoke: 50)")
    Integer documents;

    @Option(names = "--users", description = "users per tenant with tokens, the administrator included [3] (smoke: 2)")
    Integer users;

    @Option(names = "--clients", description = "concurrent clients of every phase, baseline included [32]")
    int clients = 32;

    @Option(names = "--seconds", description = "measured seconds per phase [30] (smoke: 10)")
    Integer seconds;

    @Option(names = "--warmup", description = "unmeasured seconds before each phase [10] (smoke: 2)")
    Integer warmup;

    @Option(names = "--zipf", description = "skew of tenant choice, 0 uniform [1.0]")
    double zipf = 1.0;

    @Option(names = "--seed", description = "seed of every random choice [42]")
    long seed = 42;

    @Option(names = "--provision-concurrency", description = "organizations created at once [1]")
    int provisionConcurrency = 1;

    @Option(
            names = "--setup-concurrency",
            description = "requests at once while signing in users and writing documents [4]")
    int setupConcurrency = 4;

    @Option(
            names = "--raw-rounds",
            description = "rounds of raw CREATE DATABASE (one per template) among the tenants [20] (smoke: 5)")
    Integer rawRounds;

    @Option(
            names = "--migration-rounds",
            description = "rounds of the migration, each way once a round, alternating [3] (smoke: 2)")
    Integer migrationRounds;

    @Option(
            names = "--profile",
            description =
                    "record a JFR profile of Silo in an extra routed-read phase (with --backup: of one more silo backup and restore)")
    boolean profile;

    @Option(
            names = "--soak",
            description =
                    "after the other phases, routed reads at half the peak for this many minutes, watching Silo's "
                            + "memory [0: no soak]")
    int soakMinutes;

    @Option(names = "--no-pgbench", description = "do not run pgbench -S even when it is installed")
    boolean noPgbench;

    @Option(
            names = "--backup",
            description = "instead of the load run: an organization's silo backup / silo restore against pg_dump -Fc / "
                    + "pg_restore of the same databases, on a PostgreSQL 15 server the run starts (docs/benchmarks.md)")
    boolean backup;

    @Option(
            names = "--backup-megabytes",
            description = "with --backup: the organization's databases together, filled to this size [1024]")
    int backupMegabytes = 1024;

    @Option(
            names = "--move",
            description = "instead of the load run: a drain, then moves of a 10 MB organization and of one of"
                    + " --move-megabytes while a client writes, between two PostgreSQL 15 servers the run starts"
                    + " (docs/benchmarks.md)")
    boolean move;

    @Option(names = "--move-megabytes", description = "with --move: the larger organization's size [1024]")
    int moveMegabytes = 1024;

    @Option(names = "--drain-organizations", description = "with --move: the organizations of 5 MB the drain moves [8]")
    int drainOrganizations = 8;

    @Option(
            names = "--backup-postgres-bin",
            description = "with --backup or --move: the PostgreSQL 15 programs (initdb, pg_ctl, pg_dump)"
                    + " [/usr/lib/postgresql/15/bin]")
    Path backupPostgresBin = DebianPostgres.DEFAULT_BIN;

    @Option(
            names = "--smoke",
            description = "the small, fast variant for CI: fails only on a broken run (more than 1 %% errors)")
    boolean smoke;

    @Option(names = "--database-url", description = "JDBC URL of a PostgreSQL server you run; default: an embedded one")
    String databaseUrl;

    @Option(names = "--database-user", description = "its role that may create databases and roles [postgres]")
    String databaseUser = "postgres";

    @Option(names = "--database-password", description = "its password [$SILO_BENCH_DATABASE_PASSWORD]")
    String databasePassword = System.getenv().getOrDefault("SILO_BENCH_DATABASE_PASSWORD", "");

    @Option(names = "--fsync", negatable = true, description = "fsync of the embedded server [true]")
    boolean fsync = true;

    @Option(names = "--max-connections", description = "max_connections of the embedded server [300]")
    int maxConnections = 300;

    @Option(names = "--silo-jar", description = "the Silo jar [cli/target/silo.jar]")
    Path siloJar = Path.of("cli/target/silo.jar");

    @Option(names = "--silo-jvm-options", description = "options of Silo's JVM, space-separated [-Xmx1g -XX:+UseZGC]")
    String siloJvmOptions = "-Xmx1g -XX:+UseZGC";

    @Option(names = "--silo-env", description = "further Silo configuration, repeatable: SILO_POOLS_DEFAULT_BUDGET=40")
    Map<String, String> siloEnv = new LinkedHashMap<>();

    @Option(
            names = "--work-dir",
            description = "data of the embedded server and Silo during the run [bench/target/bench-run]")
    Path workDir = Path.of("bench/target/bench-run");

    @Option(
            names = "--keep",
            description = "keep the work directory (and an external server's databases) after the run")
    boolean keep;

    @Option(
            names = "--report",
            description = "the Markdown file the run is appended to [docs/benchmarks.md] "
                    + "(smoke: bench/target/smoke/benchmarks.md)")
    Path report;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new BenchCommand())
                .setExecutionExceptionHandler((error, command, parsed) -> {
                    // a bad option, or a state the user can fix (no jar, a server refusing): one line, no stack trace
                    if (error instanceof IllegalArgumentException) {
                        command.getErr().println("silo bench: " + error.getMessage());
                        return 2;
                    }
                    if (error instanceof IllegalStateException || error instanceof java.io.UncheckedIOException) {
                        command.getErr().println("silo bench: " + error.getMessage());
                        return 1;
                    }
                    throw error;
                })
                .execute(args));
    }

    @Override
    public Integer call() {
        if (backup) {
            new BackupBench(
                            new BackupBench.Options(
                                    backupMegabytes,
                                    backupPostgresBin,
                                    siloJar,
                                    workDir,
                                    keep,
                                    profile,
                                    report != null ? report : Path.of("docs/benchmarks.md"),
                                    Commit.describe()),
                            System.out::println)
                    .run();
            return 0;
        }
        if (move) {
            new MoveBench(
                            new MoveBench.Options(
                                    moveMegabytes,
                                    drainOrganizations,
                                    backupPostgresBin,
                                    siloJar,
                                    workDir,
                                    keep,
                                    report != null ? report : Path.of("docs/benchmarks.md"),
                                    Commit.describe()),
                            System.out::println)
                    .run();
            return 0;
        }
        BenchOptions options = options();
        BenchRun.Outcome outcome = new BenchRun(options, System.out::println).run();
        if (options.smoke() && !outcome.healthy()) {
            System.err.println("silo bench: the smoke run is broken: " + outcome.problems());
            return 1;
        }
        outcome.problems().forEach(problem -> System.err.println("silo bench: warning: " + problem));
        return 0;
    }

    BenchOptions options() {
        Optional<BenchOptions.ExternalDatabase> database = Optional.ofNullable(databaseUrl)
                .map(url -> new BenchOptions.ExternalDatabase(url, databaseUser, databasePassword));
        return new BenchOptions(
                pick(tenants, 1000, 50),
                services,
                pick(documents, 300, 50),
                pick(users, 3, 2),
                clients,
                Duration.ofSeconds(pick(warmup, 10, 2)),
                Duration.ofSeconds(pick(seconds, 30, 10)),
                zipf,
                seed,
                provisionConcurrency,
                setupConcurrency,
                pick(rawRounds, 20, 5),
                pick(migrationRounds, 3, 2),
                profile,
                Duration.ofMinutes(soakMinutes),
                !noPgbench,
                smoke,
                database,
                fsync,
                maxConnections,
                siloJar,
                Arrays.stream(siloJvmOptions.trim().split("\\s+"))
                        .filter(option -> !option.isEmpty())
                        .toList(),
                siloEnv,
                workDir,
                keep,
                report != null
                        ? report
                        : smoke ? Path.of("bench/target/smoke/benchmarks.md") : Path.of("docs/benchmarks.md"));
    }

    private int pick(Integer given, int full, int small) {
        return given != null ? given : smoke ? small : full;
    }
}
