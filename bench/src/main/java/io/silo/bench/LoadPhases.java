package io.silo.bench;

import io.silo.bench.load.Client;
import io.silo.bench.load.ConnectionLru;
import io.silo.bench.load.JdbcClient;
import io.silo.bench.load.LoadDriver;
import io.silo.bench.load.LoadResult;
import io.silo.bench.load.Pgbench;
import io.silo.bench.load.RawJdbcClient;
import io.silo.bench.load.RoutedClient;
import io.silo.bench.load.Workload;
import io.silo.bench.load.Wrk;
import io.silo.bench.load.WrkOutput;
import io.silo.bench.report.PhaseResult;
import io.silo.bench.report.PhaseResult.Kind;
import io.silo.bench.report.SoakPhase;
import io.silo.bench.report.WrkPhase;
import io.silo.bench.stack.HotSpots;
import io.silo.bench.stack.JfrRecording;
import io.silo.bench.stack.PhaseMonitor;
import io.silo.bench.stack.PoolFigures;
import io.silo.bench.stack.PostgresServer;
import io.silo.bench.stack.Sampler;
import io.silo.bench.stack.SiloProcess;
import io.silo.bench.stack.Soak;
import io.silo.bench.system.CpuMeter;
import io.silo.bench.system.Pause;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The load phases of a run, in order: the raw-JDBC baseline, pgbench when installed, raw-JDBC reads
 * with Silo's budget, routed reads at full speed, routed reads at half that rate, routed reads
 * under wrk when installed, raw-JDBC inserts with Silo's budget, routed inserts, routed patches, and with
 * {@code --profile} routed reads once more under JFR, so that profiling does not touch the other
 * figures. Every phase has the same clients, warm-up and length.
 *
 * <p>Not thread-safe: one run.
 */
final class LoadPhases {
    private static final String PGBENCH_DATABASE = "bench_pgbench";
    /** The overload phase's clients, in multiples of the other phases'. */
    private static final int OVERLOAD_FACTOR = 8;

    private final BenchOptions options;
    private final Workload workload;
    private final SiloProcess silo;
    private final PostgresServer server;
    private final CpuMeter cpu;
    private final Sampler sampler;
    private final Supplier<Optional<PoolFigures>> pools;
    private final Consumer<String> progress;
    private final List<PhaseResult> results = new ArrayList<>();
    private Optional<Pgbench.Result> pgbench = Optional.empty();
    private Optional<HotSpots> profile = Optional.empty();
    private Optional<WrkPhase> wrk = Optional.empty();
    private Optional<SoakPhase> soak = Optional.empty();
    private OptionalInt rawBudget = OptionalInt.empty();

    LoadPhases(
            BenchOptions options,
            Workload workload,
            SiloProcess silo,
            PostgresServer server,
            CpuMeter cpu,
            Sampler sampler,
            Supplier<Optional<PoolFigures>> pools,
            Consumer<String> progress) {
        this.options = options;
        this.workload = workload;
        this.silo = silo;
        this.server = server;
        this.cpu = cpu;
        this.sampler = sampler;
        this.pools = pools;
        this.progress = progress;
    }

    void run(Path profileFile) {
        progress.accept(String.format(
                Locale.ROOT,
                "load: %d clients, Zipf s=%.2f over %d tenants (the %d hottest take half the requests)",
                options.clients(),
                options.zipfExponent(),
                workload.tenants().size(),
                workload.hotTenants()));
        phase(
                Kind.BASELINE,
                (driver, window) -> driver.closedLoop(
                        i -> new JdbcClient(workload, this::connectPrepared, workload.random("baseline", i)), window));
        if (options.pgbench()) {
            runPgbench();
        }
        PhaseResult reads = phase(
                Kind.READS, (driver, window) -> driver.closedLoop(routed(RoutedClient.Kind.READ, "reads"), window));
        double half = Math.max(1, reads.load().throughput() / 2);
        phase(
                Kind.HALF_LOAD_READS,
                (driver, window) -> driver.openLoop(half, routed(RoutedClient.Kind.READ, "half"), window));
        // the same reads without Silo: as fast as they come, then, on the connections that phase warmed, at the
        // half-load rate (the latency bar's baseline; with cold connections it would measure logins)
        rawPhases(
                RawJdbcClient.Kind.READ,
                List.of(
                        new RawRun(Kind.RAW_READS, OptionalDouble.empty()),
                        new RawRun(Kind.RAW_HALF_LOAD_READS, OptionalDouble.of(half))));
        runWrk();
        rawPhases(RawJdbcClient.Kind.INSERT, List.of(new RawRun(Kind.RAW_INSERTS, OptionalDouble.empty())));
        phase(Kind.INSERTS, (driver, window) -> driver.closedLoop(routed(RoutedClient.Kind.INSERT, "inserts"), window));
        phase(Kind.PATCHES, (driver, window) -> driver.closedLoop(routed(RoutedClient.Kind.PATCH, "patches"), window));
        // far more clients than the machine serves: what admitted requests wait, and how much is refused
        phase(
                Kind.OVERLOAD,
                OVERLOAD_FACTOR * options.clients(),
                (driver, window) -> driver.closedLoop(routed(RoutedClient.Kind.READ, "overload"), window));
        if (!options.soak().isZero()) {
            soak(half);
        }
        if (options.profile()) {
            JfrRecording recording = JfrRecording.start(silo.pid(), profileFile);
            phase(
                    Kind.PROFILED_READS,
                    (driver, window) -> driver.closedLoop(routed(RoutedClient.Kind.READ, "profiled"), window));
            profile = Optional.of(HotSpots.read(recording.stop(), 15));
            progress.accept("JFR recording of Silo: " + profileFile.toAbsolutePath());
        }
    }

    List<PhaseResult> results() {
        return List.copyOf(results);
    }

    Optional<Pgbench.Result> pgbench() {
        return pgbench;
    }

    Optional<HotSpots> profile() {
        return profile;
    }

    Optional<WrkPhase> wrk() {
        return wrk;
    }

    Optional<SoakPhase> soak() {
        return soak;
    }

    /** The budget the raw-JDBC phases had, when they ran. */
    OptionalInt rawBudget() {
        return rawBudget;
    }

    private PhaseResult phase(Kind kind, BiFunction<LoadDriver, LoadDriver.Window, LoadResult> body) {
        return phase(kind, options.clients(), body);
    }

    private PhaseResult phase(Kind kind, int clients, BiFunction<LoadDriver, LoadDriver.Window, LoadResult> body) {
        progress.accept(String.format(
                Locale.ROOT,
                "phase: %s (%d s warm-up, %d s measured)",
                kind.label(),
                options.warmup().toSeconds(),
                options.measure().toSeconds()));
        LoadDriver driver = new LoadDriver(kind.label(), clients, options.warmup(), options.measure());
        PhaseMonitor monitor = new PhaseMonitor(cpu, sampler, pools);
        LoadResult load = body.apply(driver, monitor);
        PhaseResult result = new PhaseResult(kind, load, monitor.figures());
        results.add(result);
        progress.accept(String.format(
                Locale.ROOT,
                "  %,.0f req/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, errors %d; at most %d tenant " + "connections",
                load.throughput(),
                load.all().percentileMillis(50),
                load.all().percentileMillis(99),
                load.all().percentileMillis(99.9),
                load.failed(),
                result.system().maxTenantBackends()));
        pause();
        return result;
    }

    /** One raw-JDBC phase: as fast as answers come, or at {@code rate} (open loop). */
    private record RawRun(Kind kind, OptionalDouble rate) {}

    /**
     * Raw-JDBC phases one after the other on the same connections, kept as Silo's budget allows
     * ({@link ConnectionLru}), as many as the server still accepts next to Silo's own; they are
     * closed when the last phase ends.
     */
    private void rawPhases(RawJdbcClient.Kind what, List<RawRun> runs) {
        int budget;
        try {
            budget = budgetForRawPhases();
        } catch (SQLException e) {
            runs.forEach(run -> progress.accept(run.kind().label() + " left out: " + e.getMessage()));
            return;
        }
        rawBudget = OptionalInt.of(budget);
        try (ConnectionLru<RawJdbcClient.Prepared> connections = new ConnectionLru<>(
                budget, database -> RawJdbcClient.Prepared.on(connectPrepared(database), workload.collection()))) {
            for (RawRun run : runs) {
                IntFunction<Client> clients = i -> new RawJdbcClient(
                        workload, what, connections, workload.random(run.kind().name(), i));
                long loginsBefore = connections.logins();
                phase(
                        run.kind(),
                        (driver, window) -> run.rate().isPresent()
                                ? driver.openLoop(run.rate().getAsDouble(), clients, window)
                                : driver.closedLoop(clients, window));
                progress.accept(String.format(
                        Locale.ROOT, "  budget %d, %d logins", budget, connections.logins() - loginsBefore));
            }
        }
    }

    /** Silo's budget, or less when the server would not accept that many more connections. */
    private int budgetForRawPhases() throws SQLException {
        int siloBudget = pools.get().map(figures -> (int) figures.budget()).orElse(Integer.MAX_VALUE);
        try (Connection connection = server.connect("postgres");
                Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT current_setting('max_connections')::int"
                        + " - (SELECT count(*) FROM pg_stat_activity)::int - 10")) {
            rows.next();
            int free = rows.getInt(1);
            if (free < 1) {
                throw new SQLException("the server accepts no more connections (raise --max-connections)");
            }
            return Math.min(siloBudget, free);
        }
    }

    /**
     * Routed reads at half the peak for {@code --soak}, Silo's memory sampled every 60 s after a
     * full collection (those collections are in the soak's latencies); the first 2 minutes settle.
     */
    private void soak(double rate) {
        progress.accept(String.format(
                Locale.ROOT,
                "soak: routed reads at %,.0f req/s for %d min, Silo's memory and live objects counted every 60 s",
                rate,
                options.soak().toMinutes()));
        LoadDriver driver = new LoadDriver("soak", options.clients(), Duration.ZERO, options.soak());
        PhaseMonitor monitor = new PhaseMonitor(cpu, sampler, pools);
        try (Soak memory = new Soak(silo.pid(), Duration.ofSeconds(60), Duration.ofMinutes(2))) {
            LoadResult load = driver.openLoop(rate, routed(RoutedClient.Kind.READ, "soak"), monitor);
            Soak.Figures figures = memory.stop();
            soak = Optional.of(new SoakPhase(load, figures, monitor.figures()));
            progress.accept(String.format(
                    Locale.ROOT,
                    "  %,.0f req/s, p99 %.2f ms, errors %d; %d memory samples: RSS %+.2f MiB/min, live heap %+.2f MiB/min",
                    load.throughput(),
                    load.all().percentileMillis(99),
                    load.failed(),
                    figures.samples().size(),
                    figures.residentSlope() / (1 << 20),
                    figures.heapSlope() / (1 << 20)));
        }
        pause();
    }

    /** Routed reads under wrk, when it is installed: Silo's CPU per read without the Java load generator. */
    private void runWrk() {
        Optional<Path> binary = Wrk.find();
        if (binary.isEmpty()) {
            progress.accept("wrk is not installed; skipping it (Debian: apt-get install wrk)");
            return;
        }
        progress.accept(String.format(
                Locale.ROOT,
                "phase: routed reads under wrk (%d s warm-up, %d s measured, %d connections)",
                options.warmup().toSeconds(),
                options.measure().toSeconds(),
                options.clients()));
        try {
            Path script = Wrk.readScript(workload, workload.random("wrk", 0), options.workDir());
            String url = "http://127.0.0.1:" + silo.port();
            Wrk.run(binary.get(), script, url, options.clients(), (int)
                    options.warmup().toSeconds());
            PhaseMonitor monitor = new PhaseMonitor(cpu, sampler, pools);
            monitor.opened();
            WrkOutput output = Wrk.run(binary.get(), script, url, options.clients(), (int)
                    options.measure().toSeconds());
            monitor.closed();
            wrk = Optional.of(new WrkPhase(output, options.clients(), monitor.figures()));
            progress.accept(String.format(
                    Locale.ROOT,
                    "  %,.0f req/s, p99 %.2f ms, errors %d",
                    output.requestsPerSecond(),
                    output.p99Millis(),
                    output.errors()));
        } catch (IOException | RuntimeException e) {
            progress.accept("wrk failed, left out: " + e.getMessage());
        }
        pause();
    }

    private IntFunction<Client> routed(RoutedClient.Kind kind, String phase) {
        return i -> new RoutedClient(workload, kind, "127.0.0.1", silo.port(), workload.random(phase, i));
    }

    private Connection connectPrepared(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty(
                "prepareThreshold", "1"); // -M prepared: a server-side statement from the first execution
        return server.connect(database, properties);
    }

    private void runPgbench() {
        Optional<Path> binary = Pgbench.find();
        if (binary.isEmpty()) {
            progress.accept("pgbench is not installed; skipping it (the raw JDBC baseline is the reference)");
            return;
        }
        progress.accept(String.format(
                Locale.ROOT,
                "pgbench -S -M prepared, %d clients, %d s",
                options.clients(),
                options.measure().toSeconds()));
        try {
            admin("DROP DATABASE IF EXISTS " + PGBENCH_DATABASE + " WITH (FORCE)");
            admin("CREATE DATABASE " + PGBENCH_DATABASE);
            pgbench = Optional.of(Pgbench.run(
                    binary.get(),
                    server.host(),
                    server.port(),
                    server.user(),
                    server.password(),
                    PGBENCH_DATABASE,
                    10,
                    options.clients(),
                    Runtime.getRuntime().availableProcessors(),
                    (int) options.measure().toSeconds()));
            progress.accept(String.format(
                    Locale.ROOT,
                    "  %,.0f tps, latency %.2f ms",
                    pgbench.get().tps(),
                    pgbench.get().latencyMillis()));
        } catch (RuntimeException | SQLException e) {
            progress.accept("pgbench failed, left out: " + e.getMessage());
        } finally {
            try {
                admin("DROP DATABASE IF EXISTS " + PGBENCH_DATABASE + " WITH (FORCE)");
            } catch (SQLException e) {
                progress.accept("could not drop " + PGBENCH_DATABASE + ": " + e.getMessage());
            }
        }
        pause();
    }

    private void admin(String sql) throws SQLException {
        try (Connection connection = server.connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Lets connections of the last phase close and the machine settle before the next. */
    private static void pause() {
        Pause.sleep(Duration.ofSeconds(2), "letting the machine settle between phases");
    }
}
