package io.silo.bench.move;

import io.silo.bench.backup.DocumentFill;
import io.silo.bench.setup.ProvisionedTenant;
import io.silo.bench.setup.Provisioner;
import io.silo.bench.stack.DebianPostgres;
import io.silo.bench.stack.PostgresServer;
import io.silo.bench.stack.SiloProcess;
import io.silo.bench.stack.WorkDir;
import io.silo.bench.system.Machine;
import io.silo.bench.system.Pause;
import io.silo.testing.SiloClient;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * {@code silo bench --move}: two Debian PostgreSQL 15 servers the run starts (the first with
 * {@code wal_level=logical}, so moves use logical replication), Silo against the first, the second
 * registered at run time as cluster {@value #TARGET}. First a drain: several small organizations
 * on the first cluster, moved off it two at a time. Then a move of an organization of about 10 MB
 * and one of the size asked (a gigabyte by default), each filled by server-side SQL, with a client
 * writing and reading throughout; afterwards every write it was told succeeded is looked for on
 * the target.
 *
 * <p>Not thread-safe: one run.
 */
public final class MoveBench {
    private static final String ADMIN_EMAIL = "admin@bench.silo";
    private static final String CONTROL_DATABASE = "silo_bench";
    private static final String SOURCE = "primary";
    private static final String TARGET = "second";
    private static final String SERVICE = "billing";
    private static final int DRAIN_PARALLEL = 2;
    private static final int DRAIN_MEGABYTES = 5;
    private static final Duration JOB_LIMIT = Duration.ofMinutes(30);
    private static final List<String> LOGICAL = List.of(
            "wal_level=logical",
            "max_replication_slots=32",
            "max_wal_senders=32",
            "max_logical_replication_workers=16",
            "max_sync_workers_per_subscription=2",
            "max_worker_processes=32");

    /**
     * What to run.
     *
     * @param megabytes the large organization's size
     * @param drainOrganizations how many small organizations the drain moves
     * @param postgresBin the PostgreSQL 15 programs
     * @param siloJar the Silo jar, run as {@code silo serve}
     * @param workDir both servers' data and Silo's; deleted at the end unless {@code keep}
     * @param report the Markdown file the run is appended to
     * @param commit the code under test
     */
    public record Options(
            int megabytes,
            int drainOrganizations,
            Path postgresBin,
            Path siloJar,
            Path workDir,
            boolean keep,
            Path report,
            String commit) {
        public Options {
            if (megabytes < 1 || megabytes > 100_000) {
                throw new IllegalArgumentException("--move-megabytes must be from 1 to 100000, got " + megabytes);
            }
            if (drainOrganizations < 1 || drainOrganizations > 100) {
                throw new IllegalArgumentException(
                        "--drain-organizations must be from 1 to 100, got " + drainOrganizations);
            }
        }
    }

    private final Options options;
    private final Consumer<String> out;
    private final long start = System.nanoTime();
    private int nextOrganization;

    public MoveBench(Options options, Consumer<String> out) {
        this.options = options;
        this.out = out;
    }

    /** Runs, appends the report, stops everything it started; returns the figures. */
    public MoveFigures run() {
        Instant startedAt = Instant.now();
        Machine machine = Machine.describe();
        progress(String.format(
                Locale.ROOT,
                "silo bench --move: 10 MB and %d MB, a drain of %d; %s, nproc %d, load average %.2f",
                options.megabytes(),
                options.drainOrganizations(),
                machine.model(),
                machine.processors(),
                machine.loadAverage()));
        WorkDir.prepare(options.workDir());
        try (DebianPostgres first = DebianPostgres.start(options.postgresBin(), dir("pg15-first"), LOGICAL);
                DebianPostgres second = DebianPostgres.start(options.postgresBin(), dir("pg15-second"), LOGICAL)) {
            progress("PostgreSQL " + first.server().version() + " on ports " + first.port() + " and " + second.port());
            MoveFigures figures = measure(first.server(), second.server(), machine, startedAt);
            MoveReport.append(options.report(), figures);
            progress("appended the run to " + options.report().toAbsolutePath());
            return figures;
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL 15 refused the benchmark: " + e.getMessage(), e);
        } finally {
            if (!options.keep()) {
                WorkDir.delete(options.workDir(), this::progress);
            }
        }
    }

    private MoveFigures measure(PostgresServer first, PostgresServer second, Machine machine, Instant startedAt)
            throws SQLException {
        Map<String, String> env = SiloProcess.environment(dir("silo-data"), first, CONTROL_DATABASE, ADMIN_EMAIL);
        try (SiloProcess silo = SiloProcess.start(
                options.siloJar(), List.of("-Xmx1g", "-XX:+UseZGC"), env, dir("silo.log"), Duration.ofMinutes(3))) {
            SiloClient anonymous = new SiloClient(silo.uri());
            SiloClient admin = anonymous.as(anonymous.login(
                    "/api/admin/auth/login", Map.of("email", ADMIN_EMAIL, "password", env.get("SILO_ADMIN_PASSWORD"))));
            register(admin, second);
            MoveFigures.Drain drain = drain(admin, first, second);
            List<MoveFigures.Move> moves = new ArrayList<>();
            moves.add(move(anonymous, admin, first, second, 10));
            moves.add(move(anonymous, admin, first, second, options.megabytes()));
            return new MoveFigures(
                    startedAt,
                    options.commit(),
                    machine,
                    first.version() + " (Debian " + options.postgresBin() + ", fsync " + first.setting("fsync")
                            + ", wal_level " + first.setting("wal_level") + ", shared_buffers "
                            + first.setting("shared_buffers") + ")",
                    moves,
                    drain);
        }
    }

    /** The second server as a cluster that takes no new organizations yet: the first ones go to the first. */
    private void register(SiloClient admin, PostgresServer second) {
        SiloClient.Response registered = admin.post(
                "/api/admin/clusters",
                Map.of(
                        "id", TARGET,
                        "url", second.url("postgres"),
                        "user", second.user(),
                        "password", second.password(),
                        "acceptingTenants", false));
        if (registered.status() != 201) {
            throw new IllegalStateException("registering the second server failed: " + registered);
        }
        progress("registered the second server as cluster " + TARGET);
    }

    private MoveFigures.Drain drain(SiloClient admin, PostgresServer first, PostgresServer second) throws SQLException {
        List<String> databases = new ArrayList<>();
        for (int index = 0; index < options.drainOrganizations(); index++) {
            ProvisionedTenant tenant = create(admin);
            databases.addAll(tenant.databases().values());
            fill(first, tenant, DRAIN_MEGABYTES);
        }
        long bytes = DocumentFill.Databases.size(first, databases);
        accepting(admin, TARGET, true);
        double load = Machine.currentLoadAverage();
        progress(String.format(
                Locale.ROOT,
                "draining cluster %s: %d organizations, %.1f MB, %d at a time",
                SOURCE,
                options.drainOrganizations(),
                bytes / 1048576.0,
                DRAIN_PARALLEL));
        long begin = System.nanoTime();
        SiloClient.Response started =
                admin.post("/api/admin/clusters/" + SOURCE + "/drain", Map.of("parallel", DRAIN_PARALLEL));
        if (started.status() != 202) {
            throw new IllegalStateException("the drain was refused: " + started);
        }
        awaitJob(admin, started.json().path("id").asString(), "the drain");
        double seconds = (System.nanoTime() - begin) / 1e9;
        long moved = DocumentFill.Databases.size(second, databases);
        progress(String.format(
                Locale.ROOT, "  drained in %.1f s; %.1f MB now on %s", seconds, moved / 1048576.0, TARGET));
        // the next organizations go to the first cluster again, and are moved from there
        accepting(admin, SOURCE, true);
        accepting(admin, TARGET, false);
        return new MoveFigures.Drain(options.drainOrganizations(), DRAIN_PARALLEL, bytes, seconds, load);
    }

    private MoveFigures.Move move(
            SiloClient anonymous, SiloClient admin, PostgresServer first, PostgresServer second, int megabytes)
            throws SQLException {
        ProvisionedTenant tenant = create(admin);
        List<String> databases = List.copyOf(tenant.databases().values());
        progress("organization " + tenant.slug() + ": filling " + SERVICE + ".invoices to " + megabytes + " MB");
        long rows = fill(first, tenant, megabytes);
        long bytes = DocumentFill.Databases.size(first, databases);
        accepting(admin, TARGET, true);
        double load = Machine.currentLoadAverage();
        progress(String.format(
                Locale.ROOT,
                "moving %s (%.1f MB, %,d invoices) to %s",
                tenant.slug(),
                bytes / 1048576.0,
                rows,
                TARGET));
        WriteTraffic traffic = WriteTraffic.start(() -> signIn(anonymous, tenant), tenant.slug());
        long begin = System.nanoTime();
        JsonNode job;
        try (traffic) {
            Pause.sleep(Duration.ofSeconds(1), "the writes ran before the move");
            SiloClient.Response started =
                    admin.post("/api/admin/organizations/" + tenant.slug() + "/move", Map.of("cluster", TARGET));
            if (started.status() != 202) {
                throw new IllegalStateException("the move of " + tenant.slug() + " was refused: " + started);
            }
            job = awaitJob(admin, started.json().path("id").asString(), "the move of " + tenant.slug());
            Pause.sleep(Duration.ofSeconds(1), "the writes ran after the move");
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        WriteTraffic.Seen seen = traffic.stop();
        accepting(admin, TARGET, false);
        long lost =
                seen.acknowledged().size() - present(second, tenant.databases().get(SERVICE), seen.acknowledged());
        JsonNode moved = job.path("move");
        MoveFigures.Move figures = new MoveFigures.Move(
                tenant.slug(),
                bytes,
                rows,
                moved.path("method").asString(),
                seconds,
                moved.path("fenceMs").asLong(),
                seen,
                lost,
                load);
        progress(String.format(
                Locale.ROOT,
                "  %s in %.1f s, fence %d ms; the client: %,d writes acknowledged, %,d refused (longest run %d ms),"
                        + " %d other failures %s, %,d reads (%d failed); %d acknowledged writes lost",
                figures.method(),
                seconds,
                figures.fenceMillis(),
                seen.acknowledged().size(),
                seen.refused(),
                seen.longestRefusedMillis(),
                seen.otherWriteFailures(),
                seen.failures(),
                seen.reads(),
                seen.failedReads(),
                lost));
        return figures;
    }

    /**
     * Fills the organization's invoices until its databases hold {@code megabytes} more than they did
     * empty (two empty databases take about 16 MB); answers how many it wrote.
     */
    private static long fill(PostgresServer server, ProvisionedTenant tenant, int megabytes) throws SQLException {
        List<String> databases = List.copyOf(tenant.databases().values());
        long empty = DocumentFill.Databases.size(server, databases);
        return new DocumentFill(server, tenant.databases().get(SERVICE), databases, line -> {})
                .fill((empty >> 20) + megabytes);
    }

    private ProvisionedTenant create(SiloClient admin) {
        return new Provisioner(admin, List.of(SERVICE)).on(SOURCE).create(nextOrganization++);
    }

    private static SiloClient signIn(SiloClient anonymous, ProvisionedTenant tenant) {
        SiloClient.Response login = anonymous.post(
                "/api/auth/login",
                Map.of(
                        "organization",
                        tenant.slug(),
                        "email",
                        tenant.adminEmail(),
                        "password",
                        ProvisionedTenant.PASSWORD));
        if (login.status() != 200) {
            throw new IllegalStateException("signing in to " + tenant.slug() + " failed: " + login);
        }
        return anonymous.as(login.json().path("accessToken").asString());
    }

    private static void accepting(SiloClient admin, String cluster, boolean accepting) {
        SiloClient.Response changed =
                admin.patch("/api/admin/clusters/" + cluster, Map.of("acceptingTenants", accepting));
        if (changed.status() != 200) {
            throw new IllegalStateException("changing cluster " + cluster + " failed: " + changed);
        }
    }

    private JsonNode awaitJob(SiloClient admin, String id, String what) {
        long deadline = System.nanoTime() + JOB_LIMIT.toNanos();
        String step = "";
        while (System.nanoTime() < deadline) {
            JsonNode job = admin.get("/api/admin/jobs/" + id).json();
            switch (job.path("state").asString()) {
                case "succeeded" -> {
                    return job;
                }
                case "failed", "cancelled" ->
                    throw new IllegalStateException(
                            what + " failed: " + job.path("error").asString());
                default -> {
                    String now = job.path("currentStep").asString("");
                    if (!now.equals(step)) {
                        progress("  " + what + ": " + now);
                        step = now;
                    }
                    Pause.sleep(Duration.ofMillis(200), what + " ran");
                }
            }
        }
        throw new IllegalStateException(what + " did not finish within " + JOB_LIMIT.toMinutes() + " minutes");
    }

    /** How many of {@code ids} the moved database holds. */
    private static long present(PostgresServer server, String database, List<String> ids) throws SQLException {
        try (Connection connection = server.connect(database);
                PreparedStatement statement =
                        connection.prepareStatement("SELECT count(*) FROM invoices WHERE id = ANY(?::uuid[])")) {
            Array array = connection.createArrayOf("text", ids.toArray());
            statement.setArray(1, array);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private Path dir(String name) {
        return options.workDir().toAbsolutePath().resolve(name);
    }

    private void progress(String line) {
        out.accept(String.format(Locale.ROOT, "[%7.1f s] %s", (System.nanoTime() - start) / 1e9, line));
    }
}
