package io.silo.bench.backup;

import io.silo.bench.setup.ProvisionedTenant;
import io.silo.bench.setup.Provisioner;
import io.silo.bench.stack.DebianPostgres;
import io.silo.bench.stack.HotSpots;
import io.silo.bench.stack.PostgresServer;
import io.silo.bench.stack.SiloProcess;
import io.silo.bench.stack.WorkDir;
import io.silo.bench.system.Machine;
import io.silo.crypto.Secrets;
import io.silo.json.Json;
import io.silo.testing.SiloClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * {@code silo bench --backup}: an organization's backup and restore by Silo, next to {@code pg_dump
 * -Fc} and {@code pg_restore} of the same databases on the same server, a Debian PostgreSQL 15 the
 * run starts for itself. Silo runs against it; one organization with core and billing gets a
 * collection filled to the size asked; then, each after a checkpoint: {@code pg_dump -Fc} of its
 * databases, {@code silo backup} (the jar, as an operator runs it), {@code pg_restore} into new
 * databases, {@code silo restore --as}; the restored copies' documents are counted. With a profile,
 * one more backup and restore run under JFR afterwards, so that profiling changes no measured figure.
 *
 * <p>Not thread-safe: one run.
 */
public final class BackupBench {
    private static final String ADMIN_EMAIL = "admin@bench.silo";
    private static final String CONTROL_DATABASE = "silo_bench";
    private static final String SERVICE = "billing";
    private static final String COPY = "bench-copy";
    private static final String PROFILED = "bench-profiled";

    /**
     * What to run.
     *
     * @param megabytes the organization's databases together, filled to at least this size
     * @param postgresBin the PostgreSQL 15 programs
     * @param siloJar the Silo jar, run as {@code silo serve} and as the CLI
     * @param workDir the server's data, the archives and dumps; deleted at the end unless {@code keep}
     * @param keep keep the work directory
     * @param profile run one more backup and restore under JFR and report their hot spots
     * @param report the Markdown file the run is appended to
     * @param commit the code under test
     */
    public record Options(
            int megabytes,
            Path postgresBin,
            Path siloJar,
            Path workDir,
            boolean keep,
            boolean profile,
            Path report,
            String commit) {
        public Options {
            if (megabytes < 1 || megabytes > 100_000) {
                throw new IllegalArgumentException("--backup-megabytes must be from 1 to 100000, got " + megabytes);
            }
        }
    }

    private final Options options;
    private final Consumer<String> out;
    private final long start = System.nanoTime();
    private final Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    /** PostgreSQL's postmaster, once started: its CPU (with its backends') is measured per step. */
    private OptionalLong postmaster = OptionalLong.empty();

    public BackupBench(Options options, Consumer<String> out) {
        this.options = options;
        this.out = out;
    }

    /** Runs, appends the report, stops everything it started; returns the figures. */
    public BackupFigures run() {
        Instant startedAt = Instant.now();
        Machine machine = Machine.describe();
        progress(String.format(
                Locale.ROOT,
                "silo bench --backup: %d MB; %s, nproc %d, load average %.2f",
                options.megabytes(),
                machine.model(),
                machine.processors(),
                machine.loadAverage()));
        WorkDir.prepare(options.workDir());
        try (DebianPostgres postgres = DebianPostgres.start(options.postgresBin(), dir("pg15"))) {
            PostgresServer server = postgres.server();
            postmaster = postgres.postmasterPid();
            progress("PostgreSQL " + server.version() + " on port " + postgres.port() + " in " + dir("pg15"));
            BackupFigures figures = measure(postgres, server, machine, startedAt);
            BackupReport.append(options.report(), figures);
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

    private BackupFigures measure(DebianPostgres postgres, PostgresServer server, Machine machine, Instant startedAt)
            throws SQLException {
        Map<String, String> env = SiloProcess.environment(dir("silo-data"), server, CONTROL_DATABASE, ADMIN_EMAIL);
        try (SiloProcess silo = SiloProcess.start(
                options.siloJar(), List.of("-Xmx1g", "-XX:+UseZGC"), env, dir("silo.log"), Duration.ofMinutes(3))) {
            SiloClient anonymous = new SiloClient(silo.uri());
            SiloClient admin = anonymous.as(anonymous.login(
                    "/api/admin/auth/login", Map.of("email", ADMIN_EMAIL, "password", env.get("SILO_ADMIN_PASSWORD"))));
            ProvisionedTenant tenant = new Provisioner(admin, List.of(SERVICE)).create(0);
            List<String> databases =
                    List.of(tenant.databases().get("core"), tenant.databases().get(SERVICE));
            progress("organization " + tenant.slug() + " with " + databases + "; filling " + SERVICE + ".invoices to "
                    + options.megabytes() + " MB");
            long fillStart = System.nanoTime();
            long invoices = new DocumentFill(server, tenant.databases().get(SERVICE), databases, this::progress)
                    .fill(options.megabytes());
            double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
            long databaseBytes = DocumentFill.Databases.size(server, databases);
            progress(String.format(
                    Locale.ROOT,
                    "%,d invoices, %.1f MB in %d databases after %.0f s",
                    invoices,
                    databaseBytes / 1048576.0,
                    databases.size(),
                    fillSeconds));
            checkThroughApi(anonymous, tenant.slug(), server, tenant.databases().get(SERVICE), 5);

            // as on a machine where the CLI ran before: its class-data archive written (not timed)
            silo(env, List.of(), List.of("tenants", "list"));
            List<BackupFigures.Step> steps = new ArrayList<>();
            steps.add(pgDump(postgres, server, databases, databaseBytes));
            Path key = writeKey();
            Path archive = dir("bench.silo-backup");
            steps.add(siloBackup(env, server, tenant.slug(), key, archive, databaseBytes, List.of()));
            steps.add(pgRestore(postgres, server, databases, invoices));
            steps.add(siloRestore(env, admin, server, key, archive, invoices, COPY, List.of()));
            checkThroughApi(anonymous, COPY, server, restoredDatabase(admin, COPY), 5);
            List<BackupFigures.Profile> profiles =
                    options.profile() ? profile(env, admin, server, tenant.slug(), key, invoices) : List.of();
            return new BackupFigures(
                    startedAt,
                    options.commit(),
                    machine,
                    server.version() + " (Debian " + options.postgresBin() + ", fsync " + server.setting("fsync")
                            + ", shared_buffers " + server.setting("shared_buffers") + ")",
                    tenant.slug(),
                    databases,
                    invoices,
                    databaseBytes,
                    steps,
                    profiles,
                    fillSeconds,
                    Machine.currentLoadAverage());
        }
    }

    private BackupFigures.Step pgDump(
            DebianPostgres postgres, PostgresServer server, List<String> databases, long databaseBytes)
            throws SQLException {
        checkpoint(server);
        double load = Machine.currentLoadAverage();
        CpuWatch cpu = CpuWatch.start(postmaster);
        progress("pg_dump -Fc of " + databases);
        double seconds = 0;
        long bytes = 0;
        for (String database : databases) {
            Path file = dump(database);
            seconds += Command.run(
                            List.of(postgres.program("pg_dump").toString(), "-Fc", "-f", file.toString(), database),
                            postgres.clientEnvironment(),
                            dir("tools.log"))
                    .seconds();
            bytes += size(file);
        }
        return step("pg_dump -Fc", seconds, Optional.empty(), bytes, databaseBytes, Optional.empty(), load, cpu.stop());
    }

    private BackupFigures.Step pgRestore(
            DebianPostgres postgres, PostgresServer server, List<String> databases, long invoices) throws SQLException {
        checkpoint(server);
        double load = Machine.currentLoadAverage();
        CpuWatch cpu = CpuWatch.start(postmaster);
        progress("pg_restore of " + databases + " into new databases");
        double seconds = 0;
        long bytes = 0;
        List<String> restored = new ArrayList<>();
        for (String database : databases) {
            String copy = database + "_pg_restore";
            restored.add(copy);
            long begin = System.nanoTime();
            try (Connection connection = server.connect("postgres");
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE \"" + copy + "\" TEMPLATE template0");
            }
            seconds += (System.nanoTime() - begin) / 1e9;
            seconds += Command.run(
                            List.of(
                                    postgres.program("pg_restore").toString(),
                                    "-d",
                                    copy,
                                    dump(database).toString()),
                            postgres.clientEnvironment(),
                            dir("tools.log"))
                    .seconds();
            bytes += size(dump(database));
        }
        CpuWatch.Used used = cpu.stop();
        for (String copy : restored) {
            try (Connection connection = server.connect("postgres");
                    Statement statement = connection.createStatement()) {
                // like Silo's own databases (its cluster check warns of any that is open to every role); not timed
                statement.execute("REVOKE CONNECT ON DATABASE \"" + copy + "\" FROM PUBLIC");
            }
        }
        long documents = DocumentFill.Databases.count(server, restored.get(1), "invoices");
        checkCount("pg_restore", documents, invoices);
        return step(
                "pg_restore (into new databases)",
                seconds,
                Optional.empty(),
                bytes,
                DocumentFill.Databases.size(server, restored),
                Optional.of(documents),
                load,
                used);
    }

    private BackupFigures.Step siloBackup(
            Map<String, String> env,
            PostgresServer server,
            String slug,
            Path key,
            Path archive,
            long databaseBytes,
            List<String> jvmOptions)
            throws SQLException {
        checkpoint(server);
        double load = Machine.currentLoadAverage();
        CpuWatch cpu = CpuWatch.start(postmaster);
        progress("silo backup " + slug + (jvmOptions.isEmpty() ? "" : " " + jvmOptions));
        Command run = silo(
                env,
                jvmOptions,
                List.of("backup", slug, "--out", archive.toString(), "--key-file", key.toString(), "--json"));
        JsonNode summary = Json.read(lastLine(run.output()));
        return step(
                "silo backup",
                run.seconds(),
                Optional.of(summary.path("seconds").asDouble()),
                size(archive),
                databaseBytes,
                Optional.empty(),
                load,
                cpu.stop());
    }

    private BackupFigures.Step siloRestore(
            Map<String, String> env,
            SiloClient admin,
            PostgresServer server,
            Path key,
            Path archive,
            long invoices,
            String copy,
            List<String> jvmOptions)
            throws SQLException {
        checkpoint(server);
        double load = Machine.currentLoadAverage();
        CpuWatch cpu = CpuWatch.start(postmaster);
        progress("silo restore --as " + copy + (jvmOptions.isEmpty() ? "" : " " + jvmOptions));
        Command run = silo(
                env,
                jvmOptions,
                List.of("restore", archive.toString(), "--as", copy, "--key-file", key.toString(), "--json"));
        CpuWatch.Used used = cpu.stop();
        JsonNode summary = Json.read(lastLine(run.output()));
        List<String> restored = new ArrayList<>();
        admin.get("/api/organizations/" + copy)
                .json()
                .path("databases")
                .forEach(database -> restored.add(database.path("name").asString()));
        long documents = DocumentFill.Databases.count(server, restoredDatabase(admin, copy), "invoices");
        checkCount("silo restore", documents, invoices);
        progress("  restored into " + restored);
        return step(
                "silo restore --as",
                run.seconds(),
                Optional.of(summary.path("seconds").asDouble()),
                size(archive),
                DocumentFill.Databases.size(server, restored),
                Optional.of(documents),
                load,
                used);
    }

    private static String restoredDatabase(SiloClient admin, String copy) {
        for (JsonNode database : admin.get("/api/organizations/" + copy).json().path("databases")) {
            if (database.path("service").asString().equals(SERVICE)) {
                return database.path("name").asString();
            }
        }
        throw new IllegalStateException("the restored copy " + copy + " has no " + SERVICE + " database");
    }

    /**
     * One more backup, then one more restore of its archive (as {@value #PROFILED}), each with a JFR
     * recording of the CLI's JVM, after the measured steps; their hot spots.
     */
    private List<BackupFigures.Profile> profile(
            Map<String, String> env, SiloClient admin, PostgresServer server, String slug, Path key, long invoices)
            throws SQLException {
        Path backupRecording = recording("backup");
        Path archive = dir("profiled.silo-backup");
        siloBackup(env, server, slug, key, archive, 0, List.of(jfr(backupRecording)));
        Path restoreRecording = recording("restore");
        siloRestore(env, admin, server, key, archive, invoices, PROFILED, List.of(jfr(restoreRecording)));
        progress("JFR recordings: " + backupRecording + ", " + restoreRecording);
        return List.of(
                new BackupFigures.Profile("silo backup", HotSpots.read(backupRecording, 20)),
                new BackupFigures.Profile("silo restore --as", HotSpots.read(restoreRecording, 20)));
    }

    private Path recording(String what) {
        return options.workDir().toAbsolutePath().resolveSibling("silo-" + what + "-" + options.megabytes() + "mb.jfr");
    }

    private static String jfr(Path recording) {
        return "-XX:StartFlightRecording=filename=" + recording + ",settings=profile";
    }

    /** A sample of the filled documents read through Silo's API, as the organization's administrator. */
    private void checkThroughApi(SiloClient anonymous, String slug, PostgresServer server, String database, int count)
            throws SQLException {
        SiloClient.Response login = anonymous.post(
                "/api/auth/login",
                Map.of(
                        "organization",
                        slug,
                        "email",
                        "admin@bench-00000.bench.example",
                        "password",
                        ProvisionedTenant.PASSWORD));
        if (login.status() != 200) {
            throw new IllegalStateException("signing in to " + slug + " failed: " + login);
        }
        SiloClient client = anonymous.as(login.json().path("accessToken").asString());
        Map<String, String> sample = new HashMap<>();
        try (Connection connection = server.connect(database);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT id, doc->>'number' FROM invoices ORDER BY random() LIMIT " + count)) {
            while (rows.next()) {
                sample.put(rows.getString(1), rows.getString(2));
            }
        }
        sample.forEach((id, number) -> {
            SiloClient.Response read = client.get("/api/data/" + SERVICE + "/invoices/" + id);
            if (read.status() != 200 || !read.json().path("number").asString().equals(number)) {
                throw new IllegalStateException(
                        "invoice " + id + " of " + slug + " is not readable through the API: " + read);
            }
        });
        progress("read " + sample.size() + " random invoices of " + slug + " through the API");
    }

    /** The JVM options {@code ./silo} runs a command with (not {@code serve}): keep the two alike. */
    private List<String> cliOptions() {
        return List.of(
                "-XX:+UseSerialGC",
                "-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=" + dir("silo-cli.jsa").toAbsolutePath(),
                "-Xlog:cds=off,cds+dynamic=off");
    }

    private Command silo(Map<String, String> env, List<String> jvmOptions, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(cliOptions());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", options.siloJar().toAbsolutePath().toString()));
        command.addAll(arguments);
        return Command.run(command, env, dir("silo-cli.log"));
    }

    private BackupFigures.Step step(
            String tool,
            double seconds,
            Optional<Double> own,
            long archiveBytes,
            long databaseBytes,
            Optional<Long> documents,
            double load,
            CpuWatch.Used cpu) {
        BackupFigures.Step step = new BackupFigures.Step(
                tool, seconds, own, archiveBytes, databaseBytes, documents, load, cpu.tools(), cpu.postgres());
        progress(String.format(
                Locale.ROOT,
                "  %s: %.1f s%s, %.1f MB of databases (%.1f MB/s), archive %.1f MB (%.1f MB/s); CPU %.1f s in the "
                        + "tool, %s in PostgreSQL",
                tool,
                seconds,
                own.map(value -> String.format(Locale.ROOT, " (%.1f s by its own count)", value))
                        .orElse(""),
                databaseBytes / 1048576.0,
                step.databaseMegabytesPerSecond(),
                archiveBytes / 1048576.0,
                step.archiveMegabytesPerSecond(),
                cpu.tools(),
                cpu.postgres()
                        .map(value -> String.format(Locale.ROOT, "%.1f s", value))
                        .orElse("unknown")));
        return step;
    }

    private static void checkCount(String tool, long documents, long invoices) {
        if (documents != invoices) {
            throw new IllegalStateException(
                    tool + " gave " + documents + " invoices, the organization has " + invoices);
        }
    }

    /** Neither tool should write out the other's dirty pages. */
    private static void checkpoint(PostgresServer server) throws SQLException {
        try (Connection connection = server.connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
        }
    }

    private Path writeKey() {
        Path key = dir("backup.key");
        try {
            Files.writeString(key, Base64.getEncoder().encodeToString(Secrets.bytes(32)) + "\n");
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + key, e);
        }
    }

    private Path dump(String database) {
        return dir(database + ".dump");
    }

    private Path dir(String name) {
        return options.workDir().toAbsolutePath().resolve(name);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file, e);
        }
    }

    private static String lastLine(String output) {
        List<String> lines = output.strip().lines().toList();
        if (lines.isEmpty()) {
            throw new IllegalStateException("the Silo CLI printed nothing");
        }
        return lines.getLast();
    }

    private void progress(String line) {
        out.accept(String.format(Locale.ROOT, "[%7.1f s] %s", (System.nanoTime() - start) / 1e9, line));
    }
}
