package io.silo.bench;

import io.silo.bench.report.PhaseResult;
import io.silo.bench.report.ReportFile;
import io.silo.bench.report.RunResult;
import io.silo.bench.setup.Migration;
import io.silo.bench.stack.AtRest;
import io.silo.bench.stack.PoolFigures;
import io.silo.bench.stack.PostgresServer;
import io.silo.bench.stack.Sampler;
import io.silo.bench.stack.SiloProcess;
import io.silo.bench.system.CpuMeter;
import io.silo.bench.system.Machine;
import io.silo.crypto.Secrets;
import io.silo.testing.SiloClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One run, start to end: PostgreSQL (embedded or yours), Silo in its own JVM, the tenants, the
 * load phases, the migration, then everything stopped and cleaned up, and the report appended.
 * Silo's log and a JFR recording are kept next to the work directory.
 *
 * <p>Not thread-safe: one run.
 */
final class BenchRun {
    /** The control database of Silo under test on a server you run; dropped with everything else at the end. */
    static final String CONTROL_DATABASE = "silo_bench";

    private static final String ADMIN_EMAIL = "admin@bench.silo";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final BenchOptions options;
    private final Consumer<String> out;
    private final long start = System.nanoTime();
    private final Instant startedAt = Instant.now();
    /** Read at the start: the code under test is what was checked out when the run began. */
    private final String commit = Commit.describe();

    private final Deque<AutoCloseable> running = new ConcurrentLinkedDeque<>();
    private volatile boolean finished;

    BenchRun(BenchOptions options, Consumer<String> out) {
        this.options = options;
        this.out = out;
    }

    /** How the run went: what makes a smoke run fail, or a full run warn. */
    record Outcome(List<String> problems) {
        boolean healthy() {
            return problems.isEmpty();
        }
    }

    Outcome run() {
        // Ctrl-C must not leave Silo's JVM and the embedded PostgreSQL running
        Thread hook = new Thread(this::abandon, "silo-bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return measureAndReport();
        } finally {
            finished = true;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
        }
    }

    private Outcome measureAndReport() {
        Machine machine = Machine.describe();
        progress(String.format(
                Locale.ROOT,
                "silo bench: %d tenants (core + %s), %d clients, %s; %s, nproc %d, load average %.2f",
                options.tenants(),
                String.join(" + ", options.services()),
                options.clients(),
                options.smoke() ? "smoke" : "full run",
                machine.model(),
                machine.processors(),
                machine.loadAverage()));
        prepareWorkDir();
        try (PostgresServer server = track(startPostgres())) {
            if (!server.isEmbedded()) {
                ExternalCleanup.dropRun(server, CONTROL_DATABASE, this::progress);
            }
            try {
                RunResult result = measure(server, machine);
                if (!options.smoke()) {
                    result = result.withAtRest(atRest(server));
                }
                Path chart = ReportFile.append(options.report(), result);
                progress("appended the run to " + options.report().toAbsolutePath() + " (chart " + chart.getFileName()
                        + ")");
                return new Outcome(problems(result));
            } finally {
                if (!server.isEmbedded() && !options.keep()) {
                    ExternalCleanup.dropRun(server, CONTROL_DATABASE, this::progress);
                }
            }
        } finally {
            if (!options.keep()) {
                deleteWorkDir();
            }
        }
    }

    private RunResult measure(PostgresServer server, Machine machine) {
        Map<String, String> env = siloEnv(server);
        String adminPassword = env.get("SILO_ADMIN_PASSWORD");
        Path log = options.workDir().resolve("silo.log");
        long siloStart = System.nanoTime();
        try (SiloProcess silo = track(
                SiloProcess.start(options.siloJar(), options.siloJvmOptions(), env, log, Duration.ofMinutes(3)))) {
            double startSeconds = (System.nanoTime() - siloStart) / 1e9;
            progress(String.format(
                    Locale.ROOT, "Silo is up (pid %d, port %d) after %.1f s", silo.pid(), silo.port(), startSeconds));
            SiloClient anonymous = new SiloClient(silo.uri());
            SiloClient admin = anonymous.as(
                    anonymous.login("/api/admin/auth/login", Map.of("email", ADMIN_EMAIL, "password", adminPassword)));
            Supplier<Optional<PoolFigures>> pools = () -> pools(admin);
            try (Sampler sampler = new Sampler(server.connect("postgres"), silo.pid(), pools)) {
                return measure(server, machine, silo, anonymous, admin, pools, sampler, env, startSeconds);
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL refused the benchmark: " + e.getMessage(), e);
            } finally {
                keepLog(log);
            }
        }
    }

    private RunResult measure(
            PostgresServer server,
            Machine machine,
            SiloProcess silo,
            SiloClient anonymous,
            SiloClient admin,
            Supplier<Optional<PoolFigures>> pools,
            Sampler sampler,
            Map<String, String> env,
            double startSeconds)
            throws SQLException {
        Fleet.Built fleet = new Fleet(options, server, anonymous, admin, this::progress).build(env);
        CpuMeter cpu = new CpuMeter(silo.pid(), server.postmasterPid());
        LoadPhases phases =
                new LoadPhases(options, fleet.workload(), silo, server, cpu, sampler, pools, this::progress);
        phases.run(sibling("silo-reads-" + STAMP.format(startedAt) + ".jfr"));
        // read before the migration: the pools' counters over the load phases, which alone use them
        Optional<PoolFigures> poolsAfterLoad = pools.get();
        Migration.Result migration = new MigrationPhase(
                        options, server, fleet, Path.of(env.get("SILO_SERVICES_DIR")), admin, this::progress)
                .run();
        sampler.failure().ifPresent(failure -> progress("warning: " + failure));
        Map<String, Double> setup = new LinkedHashMap<>();
        setup.put("Silo start", startSeconds);
        setup.putAll(fleet.seconds());
        return new RunResult(
                startedAt,
                commit,
                machine,
                postgresDescription(server),
                parameters(fleet, env),
                setup,
                fleet.provisioning(),
                phases.results(),
                phases.pgbench(),
                phases.wrk(),
                phases.soak(),
                phases.rawBudget(),
                phases.profile(),
                migration,
                Optional.empty(),
                sampler.whole().maxTenantBackends(),
                sampler.whole().maxResidentBytes(),
                poolsAfterLoad,
                (System.nanoTime() - start) / 1e9);
    }

    private Optional<AtRest> atRest(PostgresServer server) {
        try {
            return AtRest.measure(server, Duration.ofSeconds(20), this::progress);
        } catch (SQLException | RuntimeException e) {
            // a figure lost, not the run: everything else is measured already
            progress("warning: PostgreSQL at rest not measured: " + e.getMessage());
            return Optional.empty();
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        running.push(resource);
        return resource;
    }

    /**
     * On an interrupted run: stops Silo, then PostgreSQL, then whatever else the benchmark started,
     * so that no process outlives it.
     */
    private void abandon() {
        if (finished) {
            return;
        }
        System.err.println("silo bench: interrupted; stopping Silo and PostgreSQL (the work directory stays: "
                + options.workDir() + ")");
        for (AutoCloseable resource : running) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("silo bench: " + e.getMessage());
            }
        }
        // a Silo interrupted while it started is not tracked yet; nor are wrk and pgbench
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
    }

    private PostgresServer startPostgres() {
        if (options.database().isPresent()) {
            BenchOptions.ExternalDatabase database = options.database().get();
            progress("PostgreSQL: yours, at " + io.silo.postgres.jdbc.JdbcUrls.redacted(database.url()));
            return PostgresServer.external(database.url(), database.user(), database.password());
        }
        checkDisk();
        progress("PostgreSQL: embedded, in "
                + options.workDir().resolve("postgres").toAbsolutePath());
        return PostgresServer.embedded(
                options.workDir().resolve("postgres"), options.fsync(), options.maxConnections());
    }

    /** An empty database costs about 8 MB: refuse a run the disk cannot hold rather than fill it. */
    private void checkDisk() {
        long needed = (long) options.tenants() * options.databasesPerTenant() * 9 * (1L << 20);
        try {
            long free = Files.getFileStore(options.workDir().toAbsolutePath()).getUsableSpace();
            if (free < needed + (2L << 30)) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "%d tenants × %d databases need about %d GiB in %s; %d GiB are "
                                + "free. Use fewer tenants or services, or another --work-dir",
                        options.tenants(),
                        options.databasesPerTenant(),
                        needed >> 30,
                        options.workDir().toAbsolutePath(),
                        free >> 30));
            }
        } catch (IOException e) {
            progress("cannot tell the free disk space of " + options.workDir() + ": " + e.getMessage());
        }
    }

    private Map<String, String> siloEnv(PostgresServer server) {
        Map<String, String> env = new HashMap<>();
        env.put(
                "SILO_DATA_DIR",
                options.workDir().resolve("silo-data").toAbsolutePath().toString());
        env.put("SILO_ADMIN_EMAIL", ADMIN_EMAIL);
        env.put("SILO_ADMIN_PASSWORD", Secrets.password());
        env.put("SILO_MASTER_KEY", Base64.getEncoder().encodeToString(Secrets.bytes(32)));
        env.put("SILO_DATABASE_URL", server.url(CONTROL_DATABASE));
        env.put("SILO_DATABASE_USER", server.user());
        env.put("SILO_DATABASE_PASSWORD", server.password());
        if (server.isEmbedded()) {
            // the benchmark's server is Silo's embedded one in all but name: Silo tunes it as it would its own
            env.put("SILO_AUTOVACUUM_TUNING", "all");
        }
        // tokens taken during the setup of a large run must outlive it; verifying them costs the same either way
        env.put("SILO_TOKENS_ACCESS_TTL", "12h");
        // the setup signs every member of every tenant in from this one address: thousands in minutes, which the
        // default budget of password checks per address (1,000 per 15 minutes) rightly takes for an attack
        env.put("SILO_LOGIN_MAX_PASSWORD_CHECKS_PER_ADDRESS", "1000000");
        // Silo's pools must not close in the windows of the raw-JDBC phases, while Silo itself is idle: with the
        // default minute, a thousand pools closed at once in one of them (a thousand backends exiting)
        env.put("SILO_POOLS_IDLE_TIMEOUT", "30m");
        env.putAll(options.siloEnv());
        // the migration phase deploys each new billing version here, and Silo reloads it: the run's
        // own folder, whatever --silo-env says, so that no folder of the user's is written to
        env.put(
                "SILO_SERVICES_DIR",
                options.workDir().resolve("services").toAbsolutePath().toString());
        return env;
    }

    private Map<String, String> parameters(Fleet.Built fleet, Map<String, String> env) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("tenants", Integer.toString(options.tenants()));
        parameters.put("services per tenant", "core + " + String.join(" + ", options.services()));
        parameters.put("documents per tenant", options.documents() + " " + BenchOptions.COLLECTION);
        parameters.put("users per tenant", options.users() + " (each with its own token)");
        parameters.put("clients", Integer.toString(options.clients()));
        parameters.put(
                "phases",
                options.warmup().toSeconds() + " s warm-up, "
                        + options.measure().toSeconds() + " s measured");
        parameters.put(
                "tenant choice",
                String.format(
                        Locale.ROOT,
                        "Zipf s = %.2f, seed %d; the %d hottest take half the requests",
                        options.zipfExponent(),
                        options.seed(),
                        fleet.workload().hotTenants()));
        parameters.put("Silo JVM", Runtime.version() + " " + String.join(" ", options.siloJvmOptions()));
        // the load generator's collection pauses are in the latencies it measures
        parameters.put(
                "load generator JVM",
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        List<String> settings = new ArrayList<>();
        for (String name : List.of("SILO_POOLS_IDLE_TIMEOUT", "SILO_AUTOVACUUM_TUNING")) {
            if (env.containsKey(name)) {
                settings.add(name + "=" + env.get(name));
            }
        }
        options.siloEnv().forEach((name, value) -> {
            if (!settings.contains(name + "=" + value)) {
                settings.add(name + "=" + value);
            }
        });
        parameters.put(
                "Silo configuration",
                String.join(", ", settings)
                        + (options.siloEnv().isEmpty()
                                ? "; otherwise defaults (pools.defaultBudget 80, pools.maxPerDatabase 4, pools.maxOpenPools 1000)"
                                : ""));
        parameters.put("variant", options.smoke() ? "smoke" : "full");
        return parameters;
    }

    private String postgresDescription(PostgresServer server) {
        String how = server.isEmbedded() ? "embedded, fsync " + (options.fsync() ? "on" : "off") : "external";
        return server.version() + " (" + how + ", max_connections " + server.setting("max_connections")
                + ", shared_buffers " + server.setting("shared_buffers") + ")";
    }

    private static Optional<PoolFigures> pools(SiloClient admin) {
        try {
            SiloClient.Response response = admin.get("/api/admin/pools");
            return response.status() == 200 ? Optional.of(PoolFigures.of(response.json())) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Failures above 1 % of a phase's requests: a smoke run fails on them, a full run warns. */
    private static List<String> problems(RunResult result) {
        List<String> problems = new ArrayList<>();
        for (PhaseResult phase : result.phases()) {
            if (phase.load().ok() == 0) {
                problems.add(phase.kind().label() + ": no successful request");
            } else if (phase.load().failureRate() > 0.01 && phase.kind() != PhaseResult.Kind.OVERLOAD) {
                // refusing the excess is what the overload phase measures
                problems.add(String.format(
                        Locale.ROOT,
                        "%s: %.1f %% of requests failed %s",
                        phase.kind().label(),
                        phase.load().failureRate() * 100,
                        phase.load().failures()));
            }
        }
        return problems;
    }

    private void prepareWorkDir() {
        try {
            if (Files.exists(options.workDir())) {
                throw new IllegalArgumentException(
                        "the work directory " + options.workDir().toAbsolutePath() + " exists; a previous run "
                                + "kept it (--keep) or died. Delete it, or pass another --work-dir");
            }
            Files.createDirectories(options.workDir().resolve("services"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work directory " + options.workDir(), e);
        }
    }

    /**
     * Deletes the work directory. A file can vanish while the walk lists it (the stopping server
     * removes its own postmaster.pid), which the walk reports as an error: the walk is then repeated.
     */
    private void deleteWorkDir() {
        for (int attempt = 1; ; attempt++) {
            try (var files = Files.walk(options.workDir())) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
                return;
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 3) {
                    progress("could not delete " + options.workDir() + ": " + e.getMessage());
                    return;
                }
            }
        }
    }

    private void keepLog(Path log) {
        try {
            Path kept = sibling("silo-" + STAMP.format(startedAt) + ".log");
            Files.copy(log, kept, StandardCopyOption.REPLACE_EXISTING);
            progress("Silo's log: " + kept.toAbsolutePath());
        } catch (IOException e) {
            progress("could not keep Silo's log: " + e.getMessage());
        }
    }

    private Path sibling(String name) {
        return options.workDir().toAbsolutePath().resolveSibling(name);
    }

    private void progress(String line) {
        out.accept(String.format(Locale.ROOT, "[%7.1f s] %s", (System.nanoTime() - start) / 1e9, line));
    }
}
