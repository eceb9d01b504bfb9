package io.silo.bench.setup;

import io.silo.bench.stack.PostgresServer;
import io.silo.bench.system.IoPressure;
import io.silo.bench.system.Pause;
import io.silo.postgres.schema.SchemaApplier;
import io.silo.postgres.schema.SchemaChange;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.template.TemplateLoader;
import io.silo.testing.SiloClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A migration across every tenant, measured two ways in the rounds of one run: a version of a
 * shipped template with one more index applied directly with {@link SchemaApplier} on an
 * administrative connection per database, the baseline; and another such version brought by Silo's
 * own rollout job, through the admin API of the Silo that ran the load phases, once it took that
 * version in without a restart: a canary wave, then the rest.
 * Each way starts after a checkpoint and once the disk is quiet, and reports how much of its time
 * some task waited for the disk ({@link IoPressure}). The rounds themselves are run by the
 * benchmark's migration phase.
 *
 * <p>Thread-safe: stateless.
 */
public final class Migration {
    /** A disk is quiet when some task waited for it less than this share of {@link #SETTLE_SPAN}. */
    static final double QUIET = 0.05;

    /** How long the disk is watched at a time. */
    private static final Duration SETTLE_SPAN = Duration.ofSeconds(5);

    static final Duration SETTLE_LIMIT = Duration.ofMinutes(2);

    /** The fields of {@code invoices} the rounds index, two a round, one index each. */
    private static final List<String> INDEXED =
            List.of("issueDate", "currency", "total", "paidAt", "subscriptionId", "tax", "subtotal", "notes");

    /** Rounds a run can have: one new index per way and round. */
    public static final int MAX_ROUNDS = INDEXED.size() / 2;

    private Migration() {}

    /**
     * The disk around a phase: how long the phase waited for it to settle, and the share of the
     * phase that some task waited for it (empty where the kernel does not say).
     */
    public record Disk(Optional<IoPressure.Settled> settled, OptionalDouble pressure) {}

    /** The write fence of one database that was fenced longest. */
    public record Fence(long millis, String database) {
        @Override
        public String toString() {
            return millis + " ms (" + database + ")";
        }
    }

    /** What applying directly took: one duration per database. */
    public record Figures(String change, int concurrency, Timings perDatabase, double seconds, Disk disk) {
        public double databasesPerSecond() {
            return perDatabase.count() / seconds;
        }
    }

    /**
     * What the rollout job took, from each job's creation to its end as the control database
     * records them: the canary's databases, then all of them.
     *
     * @param longestFence the database whose writes were fenced longest and for how long, if any was
     * @param canaryPressure the share of the canary's job that some task waited for the disk
     * @param disk the wait for a quiet disk before the rollout, and the share of both jobs that some
     *     task waited for it
     */
    public record Rollout(
            String change,
            int parallel,
            int canary,
            double canarySeconds,
            int databases,
            double seconds,
            Optional<Fence> longestFence,
            OptionalDouble canaryPressure,
            Disk disk) {
        public double canaryPerSecond() {
            return canary / canarySeconds;
        }

        public double databasesPerSecond() {
            return databases / seconds;
        }
    }

    /**
     * One round: the baseline and the rollout, each bringing a version of its own.
     *
     * @param rolloutFirst whether the rollout ran before the baseline
     */
    public record Round(Figures direct, Rollout rollout, boolean rolloutFirst) {
        /** The rollout's rate as a share of the baseline's in this round. */
        public double ratio() {
            return rollout.databasesPerSecond() / direct.databasesPerSecond();
        }
    }

    /**
     * Both ways of the same kind of change, in the rounds of one run. The bar is read from the
     * medians of the rounds, so that one round whose one way met a stalling disk moves it less
     * than it would move each way's databases over its time in all rounds.
     */
    public record Result(List<Round> rounds) {
        public Result {
            rounds = List.copyOf(rounds);
            if (rounds.isEmpty()) {
                throw new IllegalArgumentException("a migration has at least one round");
            }
        }

        /** The databases each way migrated in a round. */
        public int databases() {
            return rounds.getFirst().rollout().databases();
        }

        /** The median of the rounds' ratios of the rollout's rate to the baseline's: the target is ≥ 0.8. */
        public double ratio() {
            return median(rounds.stream().mapToDouble(Round::ratio));
        }

        /** The median of the rollout's rates over all its databases: the target is ≥ 50 databases/s. */
        public double rolloutPerSecond() {
            return median(rounds.stream().mapToDouble(round -> round.rollout().databasesPerSecond()));
        }

        /** The median of the baseline's rates. */
        public double directPerSecond() {
            return median(rounds.stream().mapToDouble(round -> round.direct().databasesPerSecond()));
        }

        public Optional<Fence> longestFence() {
            return rounds.stream()
                    .flatMap(round -> round.rollout().longestFence().stream())
                    .max(Comparator.comparingLong(Fence::millis));
        }

        /** The middle value; the mean of the middle two of an even count. */
        static double median(DoubleStream values) {
            double[] sorted = values.sorted().toArray();
            int middle = sorted.length / 2;
            return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    /**
     * The two fields that round {@code round} (from 1) indexes, in the order its two versions come.
     *
     * @throws IllegalArgumentException when {@code round} is not from 1 to {@link #MAX_ROUNDS}
     */
    public static List<String> fieldsOfRound(int round) {
        if (round < 1 || round > MAX_ROUNDS) {
            throw new IllegalArgumentException("a round is from 1 to " + MAX_ROUNDS + ", got " + round);
        }
        return INDEXED.subList(2 * (round - 1), 2 * round);
    }

    /**
     * The template text one version on, with an index on {@code field} of {@code collection} and
     * the migration that adds it: what an operator would write.
     *
     * @throws IllegalArgumentException when the text is not laid out as the shipped templates are
     *     (the collection with an {@code indexes:} list, {@code migrations:} last)
     */
    public static String nextVersion(String text, String collection, String field) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        int version = -1;
        int inCollection = -1;
        int indexes = -1;
        int migrations = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("version: ")) {
                version = Integer.parseInt(line.substring("version: ".length()).trim());
                lines.set(i, "version: " + (version + 1));
            } else if (line.equals("  " + collection + ":")) {
                inCollection = i;
            } else if (inCollection >= 0 && indexes < 0 && line.equals("    indexes:")) {
                indexes = i;
            } else if (line.equals("migrations:")) {
                migrations = i;
            }
        }
        if (version < 0 || indexes < 0 || migrations < indexes) {
            throw new IllegalArgumentException(
                    "the template is not laid out as expected (version, " + collection + ".indexes, migrations last)");
        }
        lines.add(indexes + 1, "      - " + field);
        lines.add("  - version: " + (version + 1));
        lines.add("    description: \"benchmark: index on " + collection + "." + field + "\"");
        lines.add("    operations:");
        lines.add("      - addIndex: {collection: " + collection + ", fields: [" + field + "]}");
        return String.join("\n", lines) + "\n";
    }

    /**
     * The texts of every version of {@code service} Silo ships, oldest first: the earlier ones its
     * catalog holds, then the newest.
     */
    public static List<String> shipped(String service) {
        List<String> texts = new ArrayList<>();
        for (int version : TemplateCatalog.load(Optional.empty()).earlierVersions(service)) {
            texts.add(resource("services/" + TemplateCatalog.historyFile(service, version)));
        }
        texts.add(resource("services/" + service + ".yaml"));
        return texts;
    }

    private static String resource(String name) {
        try (var in = Migration.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /**
     * Writes a services folder as an operator deploys a new version: {@code newest} as the
     * service's file, and every version released before it in {@code history/} (each named by its
     * version), so that a database at any of them is served under its own.
     */
    public static void deploy(Path services, String service, List<String> released, String newest) {
        try {
            for (String text : released) {
                Path file = services.resolve(
                        TemplateCatalog.historyFile(service, load(service, text).version()));
                Files.createDirectories(file.getParent());
                Files.writeString(file, text);
            }
            Files.writeString(services.resolve(service + ".yaml"), newest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the templates in " + services, e);
        }
    }

    /** The template of {@code text}, read as Silo reads a template file. */
    public static ServiceTemplate load(String service, String text) {
        return TemplateLoader.load(service + ".yaml", text);
    }

    /**
     * Applies {@code template} to every database, {@code concurrency} at a time, after a checkpoint;
     * fails on the first database that refuses.
     */
    public static Figures direct(
            PostgresServer server,
            ServiceTemplate template,
            List<String> databases,
            int concurrency,
            String change,
            Consumer<String> progress) {
        checkpoint(server, progress);
        Optional<IoPressure.Settled> settled = settle(progress);
        Optional<IoPressure.Window> disk = IoPressure.window();
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        List<Long> nanos = Parallel.map(databases.size(), concurrency, i -> {
            long began = System.nanoTime();
            try (Connection connection = server.connect(databases.get(i))) {
                SchemaChange applied = SchemaApplier.apply(connection, template);
                if (!applied.changed()) {
                    throw new IllegalStateException(
                            "database " + databases.get(i) + " was already at version " + applied.toVersion());
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot connect to " + databases.get(i) + ": " + e.getMessage(), e);
            }
            if (done.incrementAndGet() % 250 == 0) {
                progress.accept("migrated " + done.get() + " of " + databases.size() + " databases");
            }
            return System.nanoTime() - began;
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Figures(change, concurrency, Timings.ofNanos(nanos), seconds, new Disk(settled, pressure(disk)));
    }

    /**
     * Has Silo read its services folder again ({@code POST /api/admin/templates/reload}), where
     * {@link #deploy} put {@code version} of {@code service} as the newest.
     *
     * @throws IllegalStateException when Silo refuses, or does not then serve that version
     */
    public static void reload(SiloClient admin, String service, int version) {
        SiloClient.Response response = admin.post("/api/admin/templates/reload", Map.of());
        boolean raised = response.status() == 200
                && response.json()
                        .path("raised")
                        .valueStream()
                        .anyMatch(one -> one.path("service").asString().equals(service)
                                && one.path("to").asInt() == version);
        if (!raised) {
            throw new IllegalStateException("Silo did not take " + service + " v" + version
                    + " in: POST /api/admin/templates/reload " + response);
        }
    }

    /**
     * Runs the rollout through the admin API of a Silo that knows the new version: after a
     * checkpoint, a canary wave ({@code canary}), then the rest ({@code continueAfterCanary}), each
     * job watched until it ends; how long each took is read from the control database. No dry run
     * before it: it would warm the databases for the rollout alone.
     *
     * @param admin a platform administrator's client of that Silo
     * @throws IllegalStateException when a database failed or the jobs did not cover {@code databases}
     */
    public static Rollout rollout(
            SiloClient admin,
            PostgresServer server,
            String controlDatabase,
            String service,
            int databases,
            int parallel,
            String change,
            Consumer<String> progress) {
        checkpoint(server, progress);
        Optional<IoPressure.Settled> settled = settle(progress);
        Optional<IoPressure.Window> disk = IoPressure.window();
        int canary = Math.max(1, Math.min(100, databases / 10));
        JsonNode first =
                finished(admin, started(admin, Map.of("service", service, "canary", canary, "parallel", parallel)));
        OptionalDouble canaryPressure = pressure(disk);
        JsonNode rest = finished(
                admin, started(admin, Map.of("service", service, "continueAfterCanary", true, "parallel", parallel)));
        OptionalDouble pressure = pressure(disk);
        int done = first.path("rollout").path("done").asInt()
                + rest.path("rollout").path("done").asInt();
        if (done != databases) {
            throw new IllegalStateException(
                    "the rollout migrated " + done + " of " + databases + " databases: " + first + " then " + rest);
        }
        double canarySeconds = seconds(server, controlDatabase, first);
        double restSeconds = seconds(server, controlDatabase, rest);
        Optional<Fence> fence = Stream.of(first, rest)
                .map(job -> job.path("rollout").path("longestFence"))
                .filter(JsonNode::isObject)
                .map(node -> new Fence(
                        node.path("ms").asLong(), node.path("database").asString()))
                .max(Comparator.comparingLong(Fence::millis));
        return new Rollout(
                change,
                parallel,
                canary,
                canarySeconds,
                databases,
                canarySeconds + restSeconds,
                fence,
                canaryPressure,
                new Disk(settled, pressure));
    }

    /**
     * Waits, at most {@link #SETTLE_LIMIT}, until the disk is quiet: on this kind of machine a phase
     * that met a stalling disk measured the disk as much as the code, and each way of migrating must
     * start on one as quiet as the other's. A phase whose disk did not settle runs anyway, and says so.
     */
    private static Optional<IoPressure.Settled> settle(Consumer<String> progress) {
        Optional<IoPressure.Settled> settled = IoPressure.settle(QUIET, SETTLE_SPAN, SETTLE_LIMIT);
        settled.ifPresent(disk -> progress.accept(
                disk.quiet()
                        ? String.format(
                                Locale.ROOT,
                                "  the disk is quiet: I/O pressure %.1f %% over the last %d s (watched for %.0f s)",
                                disk.share() * 100,
                                SETTLE_SPAN.toSeconds(),
                                disk.waited().toMillis() / 1e3)
                        : String.format(
                                Locale.ROOT,
                                "warning: the disk did not settle within %d s (I/O pressure %.1f %% over the last %d s);"
                                        + " the phase runs anyway",
                                SETTLE_LIMIT.toSeconds(),
                                disk.share() * 100,
                                SETTLE_SPAN.toSeconds())));
        return settled;
    }

    private static OptionalDouble pressure(Optional<IoPressure.Window> window) {
        return window.map(IoPressure.Window::share).orElse(OptionalDouble.empty());
    }

    private static void checkpoint(PostgresServer server, Consumer<String> progress) {
        if (!server.checkpoint()) {
            progress.accept("warning: no CHECKPOINT before the phase (the role may not): a checkpoint may fall in it");
        }
    }

    private static String started(SiloClient admin, Map<String, Object> body) {
        SiloClient.Response response = admin.post("/api/admin/migrations", body);
        if (response.status() != 202) {
            throw new IllegalStateException("POST /api/admin/migrations " + body + ": " + response);
        }
        return response.json().path("job").asString();
    }

    private static JsonNode finished(SiloClient admin, String jobId) {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode job = admin.get("/api/admin/jobs/" + jobId).json();
            if (job.path("finishedAt").isString()) {
                if (!"succeeded".equals(job.path("state").asString())) {
                    throw new IllegalStateException("the rollout did not succeed: " + job);
                }
                return job;
            }
            // as often as `silo jobs get --follow` asks; the job's time is read from the control
            // database, so the watcher's pace only adds the load an operator's watch adds
            Pause.sleep(Duration.ofMillis(500), "the rollout ran");
        }
        throw new IllegalStateException("the rollout " + jobId + " did not end within 30 minutes");
    }

    private static double seconds(PostgresServer server, String controlDatabase, JsonNode job) {
        try (Connection connection = server.connect(controlDatabase);
                var statement = connection.prepareStatement(
                        "SELECT extract(epoch FROM finished_at - created_at) FROM jobs WHERE id = ?")) {
            statement.setObject(1, UUID.fromString(job.path("id").asString()));
            try (var rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("no job " + job.path("id").asString());
                }
                return rows.getDouble(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the rollout's job: " + e.getMessage(), e);
        }
    }
}
