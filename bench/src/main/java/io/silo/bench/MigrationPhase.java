package io.silo.bench;

import io.silo.bench.setup.Migration;
import io.silo.bench.stack.PostgresServer;
import io.silo.template.ServiceTemplate;
import io.silo.testing.SiloClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The migration phase, in {@code --migration-rounds} rounds. Each round brings every tenant's
 * billing database two versions on, one more index each: one version applied directly with
 * {@code SchemaApplier}, the baseline; the other rolled out by Silo's own job through the admin
 * API, after the services folder is given it as the newest, with every version the databases have
 * been at in {@code history/}, and Silo takes it in without a restart ({@code POST
 * /api/admin/templates/reload}), as an operator deploys a new template. Odd rounds run the baseline
 * first, even rounds the rollout, so that neither way always runs second, on files the other just
 * read. Silo is the one that ran the load phases, idle through each baseline.
 *
 * <p>Not thread-safe: one run.
 */
final class MigrationPhase {
    private final BenchOptions options;
    private final PostgresServer server;
    private final SiloClient admin;
    private final Consumer<String> progress;
    private final List<String> databases;
    private final int concurrency = Runtime.getRuntime().availableProcessors();
    private final Path services;
    /** Every version of the template the databases have been at, oldest first. */
    private final List<String> released;

    /**
     * @param services the services folder Silo was started with
     * @param admin a platform administrator's client of that Silo
     */
    MigrationPhase(
            BenchOptions options,
            PostgresServer server,
            Fleet.Built fleet,
            Path services,
            SiloClient admin,
            Consumer<String> progress) {
        this.options = options;
        this.server = server;
        this.services = services;
        this.admin = admin;
        this.progress = progress;
        this.databases = fleet.tenants().stream()
                .map(tenant -> tenant.databases().get(BenchOptions.SERVICE))
                .toList();
        this.released = new ArrayList<>(Migration.shipped(BenchOptions.SERVICE));
    }

    /** Runs every round. */
    Migration.Result run() {
        List<Migration.Round> rounds = new ArrayList<>();
        for (int round = 1; round <= options.migrationRounds(); round++) {
            rounds.add(round(round));
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
            rollout = rollout(prefix, fields.get(0));
            direct = direct(prefix, fields.get(1));
        } else {
            direct = direct(prefix, fields.get(0));
            rollout = rollout(prefix, fields.get(1));
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

    private Migration.Rollout rollout(String prefix, String field) {
        String text = nextVersion(field);
        int version = Migration.load(BenchOptions.SERVICE, text).version();
        Migration.deploy(services, BenchOptions.SERVICE, released, text);
        progress.accept(prefix + "Silo takes " + BenchOptions.SERVICE + " v" + version
                + " (one more index) in without a restart; its rollout job on the same databases, " + concurrency
                + " at a time");
        Migration.reload(admin, BenchOptions.SERVICE, version);
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

    private static String change(int version, String field) {
        return BenchOptions.SERVICE + " v" + (version - 1) + " → v" + version + ": index on " + BenchOptions.COLLECTION
                + "." + field;
    }
}
