package io.silo.bench;

import io.silo.bench.load.LoadDriver;
import io.silo.bench.load.LoadResult;
import io.silo.bench.load.RoutedClient;
import io.silo.bench.setup.Migration;
import io.silo.bench.stack.PostgresServer;
import io.silo.bench.stack.SiloProcess;
import io.silo.template.ServiceTemplate;
import io.silo.testing.SiloClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The migration phase, in {@code --migration-rounds} rounds. Each round brings every tenant's
 * billing database two versions on, one more index each: one version applied directly with
 * {@code SchemaApplier}, the baseline; the other rolled out by Silo's own job through the admin
 * API, after Silo is restarted with a services folder holding it as the newest and every version
 * the databases have been at in {@code history/}, as an operator deploys a new template. Odd
 * rounds run the baseline first, even rounds the rollout, so that neither way always runs second,
 * on files the other just read. Silo's load phases are over by then; the Silo last started stays
 * up, idle, through a baseline, as the load phases' Silo does through the first.
 *
 * <p>Not thread-safe: one run.
 */
final class MigrationPhase {
    private final BenchOptions options;
    private final PostgresServer server;
    private final Fleet.Built fleet;
    private final Map<String, String> env;
    private final String adminEmail;
    private final Consumer<AutoCloseable> track;
    private final Path logs;
    private final Consumer<String> progress;
    private final List<String> databases;
    private final int concurrency = Runtime.getRuntime().availableProcessors();
    private final Path services;
    /** Every version of the template the databases have been at, oldest first. */
    private final List<String> released;

    private SiloProcess serving;

    /**
     * @param env the environment of the Silo that ran the load phases
     * @param track registers a started Silo with what stops it on an interrupted run
     * @param logs where a restarted Silo's log goes: the round's number and {@code .log} are appended
     */
    MigrationPhase(
            BenchOptions options,
            PostgresServer server,
            Fleet.Built fleet,
            Map<String, String> env,
            String adminEmail,
            Consumer<AutoCloseable> track,
            Path logs,
            Consumer<String> progress) {
        this.options = options;
        this.server = server;
        this.fleet = fleet;
        this.services = options.workDir().resolve("services");
        this.env = new LinkedHashMap<>(env);
        this.env.put("SILO_SERVICES_DIR", services.toAbsolutePath().toString());
        this.adminEmail = adminEmail;
        this.track = track;
        this.logs = logs;
        this.progress = progress;
        this.databases = fleet.tenants().stream()
                .map(tenant -> tenant.databases().get(BenchOptions.SERVICE))
                .toList();
        this.released = new ArrayList<>(Migration.shipped(BenchOptions.SERVICE));
    }

    /** Runs every round, starting while {@code silo} (the load phases') is up; stops the last Silo it started. */
    Migration.Result run(SiloProcess silo) {
        serving = silo;
        List<Migration.Round> rounds = new ArrayList<>();
        try {
            for (int round = 1; round <= options.migrationRounds(); round++) {
                rounds.add(round(round));
            }
        } finally {
            serving.close();
        }
        return new Migration.Result(rounds);
    }

    private Migration.Round round(int round) {
        String prefix = "migration, round " + round + " of " + options.migrationRounds() + ": ";
        List<String> fields = Migration.fieldsOfRound(round);
        boolean rolloutFirst = round % 2 == 0;
        Migration.Figures direct;
        Migration.Rollout rollout;
        if (rolloutFirst) {
            rollout = rollout(prefix, round, fields.get(0));
            direct = direct(prefix, fields.get(1));
        } else {
            direct = direct(prefix, fields.get(0));
            rollout = rollout(prefix, round, fields.get(1));
        }
        Migration.Round figures = new Migration.Round(direct, rollout, rolloutFirst);
        progress.accept(String.format(
                Locale.ROOT,
                "  the round: rollout %.1f databases/s against %.1f directly, %.2f ×",
                rollout.databasesPerSecond(),
                direct.databasesPerSecond(),
                figures.ratio()));
        return figures;
    }

    private Migration.Figures direct(String prefix, String field) {
        String text = nextVersion(field);
        ServiceTemplate template = Migration.load(BenchOptions.SERVICE, text);
        progress.accept(prefix + BenchOptions.SERVICE + " v" + template.version() + " (one more index) on "
                + databases.size() + " databases with SchemaApplier, " + concurrency + " at a time");
        Migration.Figures direct =
                Migration.direct(server, template, databases, concurrency, change(template.version(), field), progress);
        released.add(text);
        progress.accept(String.format(
                Locale.ROOT, "  %.1f databases/s, %.1f s in all", direct.databasesPerSecond(), direct.seconds()));
        return direct;
    }

    private Migration.Rollout rollout(String prefix, int round, String field) {
        String text = nextVersion(field);
        int version = Migration.load(BenchOptions.SERVICE, text).version();
        Migration.deploy(services, BenchOptions.SERVICE, released, text);
        progress.accept(prefix + "Silo restarted with " + BenchOptions.SERVICE + " v" + version
                + " (one more index); its rollout job on the same databases, " + concurrency + " at a time");
        serving.close();
        serving = SiloProcess.start(
                options.siloJar(),
                options.siloJvmOptions(),
                env,
                logs.resolveSibling(logs.getFileName() + "-" + round + ".log"),
                Duration.ofMinutes(3));
        track.accept(serving);
        SiloClient anonymous = new SiloClient(serving.uri());
        SiloClient admin = anonymous.as(anonymous.login(
                "/api/admin/auth/login", Map.of("email", adminEmail, "password", env.get("SILO_ADMIN_PASSWORD"))));
        serveBeforeRollout();
        Migration.Rollout rollout = Migration.rollout(
                admin,
                server,
                BenchRun.CONTROL_DATABASE,
                BenchOptions.SERVICE,
                databases.size(),
                concurrency,
                change(version, field),
                progress);
        released.add(text);
        progress.accept(String.format(
                Locale.ROOT,
                "  canary %d at %.1f databases/s, all %d at %.1f databases/s, longest write fence: %s",
                rollout.canary(),
                rollout.canaryPerSecond(),
                rollout.databases(),
                rollout.databasesPerSecond(),
                rollout.longestFence().map(Migration.Fence::toString).orElse("none")));
        return rollout;
    }

    /** The version after the newest the databases have been at, with an index on {@code field}. */
    private String nextVersion(String field) {
        return Migration.nextVersion(released.getLast(), BenchOptions.COLLECTION, field);
    }

    /**
     * The rollout's warm-up of {@code --warmup} seconds, as the load phases have one: the restarted
     * Silo serves its tenants' reads first, as an upgraded instance does before an operator rolls out
     * (the baseline runs in the benchmark's JVM, which ran the load phases, raw JDBC among them).
     * Unlike theirs, it runs none of what is then measured: no job, no migrator, no administrative
     * connection.
     */
    private void serveBeforeRollout() {
        if (options.warmup().isZero()) {
            return;
        }
        progress.accept("  the restarted Silo serves routed reads for "
                + options.warmup().toSeconds() + " s (the warm-up) before the rollout");
        LoadResult reads = new LoadDriver(
                        "routed reads before the rollout", options.clients(), Duration.ZERO, options.warmup())
                .closedLoop(
                        i -> new RoutedClient(
                                fleet.workload(),
                                RoutedClient.Kind.READ,
                                "127.0.0.1",
                                serving.port(),
                                fleet.workload().random("before the rollout", i)),
                        LoadDriver.Window.NONE);
        progress.accept(String.format(Locale.ROOT, "  %,.0f req/s, errors %d", reads.throughput(), reads.failed()));
        if (reads.failed() > 0 || reads.throughput() == 0) {
            progress.accept("warning: the warm-up's reads failed; the rollout runs in a Silo that served less");
        }
    }

    private static String change(int version, String field) {
        return BenchOptions.SERVICE + " v" + (version - 1) + " → v" + version + ": index on " + BenchOptions.COLLECTION
                + "." + field;
    }
}
