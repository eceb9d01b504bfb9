package io.silo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.backup.Backups;
import io.silo.crypto.BackupKey;
import io.silo.testing.TestPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A measurement, not a test of the suite: an organization with one collection of
 * {@code silo.probe.documents} documents of about 1 KiB (default 200,000) is backed up and
 * restored as a copy by {@code silo backup} / {@code silo restore} in child JVMs whose heap is
 * {@code -Xmx48m}, far smaller than the data; the garbage collector's log gives the heap after each
 * collection; then the archive's check pass alone is timed in this JVM. It logs size, seconds, MB/s
 * and the largest heap; run it with
 * {@code -Dsilo.probe.backup=true}.
 */
@EnabledIfSystemProperty(named = "silo.probe.backup", matches = "true")
class BackupThroughputProbe {
    private static final Logger log = LoggerFactory.getLogger(BackupThroughputProbe.class);
    private static final Pattern AFTER_GC = Pattern.compile("->(\\d+)M\\(");

    @TempDir
    Path dir;

    @Test
    void backupAndRestoreOfALargeCollectionInASmallHeap() throws Exception {
        int documents = Integer.getInteger("silo.probe.documents", 200_000);
        TestPostgres postgres = TestPostgres.primary();
        postgres.reset();
        Path services = Files.createDirectories(dir.resolve("services"));
        Files.writeString(services.resolve("shelf.yaml"), """
                service: shelf
                version: 1
                roles:
                  keeper: {read: ["*"], write: ["*"]}
                collections:
                  books: {}
                migrations:
                  - version: 1
                """);
        Path config = dir.resolve("silo.yaml");
        Files.writeString(config, """
                data: {dir: %s}
                master: {key: "%s"}
                database: {url: "%s", user: %s, password: "%s"}
                passwords: {memoryKib: 4096, iterations: 1}
                services: {dir: %s}
                """.formatted(
                        dir.resolve("data"),
                        Base64.getEncoder().encodeToString(new byte[32]),
                        postgres.url("silo"),
                        postgres.user(),
                        postgres.password(),
                        services));
        Path password = dir.resolve("password.txt");
        Files.writeString(password, "correct horse battery\n");
        StringWriter err = new StringWriter();
        assertThat(Main.run(
                        new PrintWriter(new StringWriter(), true),
                        new PrintWriter(err, true),
                        "tenants",
                        "create",
                        "--config",
                        config.toString(),
                        "--name",
                        "Probe Shelf",
                        "--services",
                        "shelf",
                        "--admin-email",
                        "boss@probe.example",
                        "--admin-password-file",
                        password.toString()))
                .as(err.toString())
                .isZero();
        String shelf = postgres.jdbc("silo")
                .queryOne("SELECT database_name FROM tenant_databases WHERE service = 'shelf'", row -> row.getString(1))
                .orElseThrow();
        long insertStart = System.nanoTime();
        postgres.jdbc(shelf).update("""
                INSERT INTO books (id, doc) SELECT gen_random_uuid(), jsonb_build_object('title', 'Book ' || n,
                    'pages', n, 'isbn', md5(n::text), 'blurb', repeat(md5((n * 7)::text), 28), 'tags',
                    jsonb_build_array('a' || (n % 17), 'b' || (n % 5)), 'price', n / 100.0)
                FROM generate_series(1, ?) n""", documents);
        long jsonBytes = postgres.jdbc(shelf)
                .queryOne("SELECT sum(octet_length(doc::text)) FROM books", row -> row.getLong(1))
                .orElseThrow();
        long tableBytes = postgres.jdbc(shelf)
                .queryOne("SELECT pg_total_relation_size('books')", row -> row.getLong(1))
                .orElseThrow();
        log.info(
                "probe: {} documents, {} MB of JSON, table {} MB, inserted in {} s",
                documents,
                jsonBytes / 1_000_000,
                tableBytes / 1_000_000,
                (System.nanoTime() - insertStart) / 1_000_000_000.0);
        Path key = dir.resolve("backup.key");
        Files.writeString(key, BackupKey.random().encoded());
        Path archive = dir.resolve("probe.silo-backup");

        Run backup = child(
                "backup",
                "probe-shelf",
                "--config",
                config.toString(),
                "--key-file",
                key.toString(),
                "--out",
                archive.toString());
        long archiveBytes = Files.size(archive);
        log.info(
                "probe: backup of {} documents: {} s, archive {} MB ({}% of the JSON), {} MB/s of JSON, heap after GC"
                        + " at most {} MB (-Xmx48m), {} collections",
                documents,
                backup.seconds(),
                archiveBytes / 1_000_000,
                100 * archiveBytes / jsonBytes,
                jsonBytes / 1_000_000 / backup.seconds(),
                backup.maxHeapMb(),
                backup.collections());

        Run restore = child(
                "restore",
                archive.toString(),
                "--as",
                "probe-copy",
                "--config",
                config.toString(),
                "--key-file",
                key.toString());
        log.info(
                "probe: restore of {} documents (check, load, verify): {} s, {} MB/s of JSON, heap after GC at most {}"
                        + " MB (-Xmx48m), {} collections",
                documents,
                restore.seconds(),
                jsonBytes / 1_000_000 / restore.seconds(),
                restore.maxHeapMb(),
                restore.collections());
        // the check pass alone, in this JVM (warm after the first): decrypt, gunzip, read every
        // record, checksum every row; the best of three, the machine being shared
        double bestCheck = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long checkStart = System.nanoTime();
            assertThat(Backups.check(archive, BackupKey.parse(Files.readString(key)))
                            .rows())
                    .isGreaterThan(documents);
            bestCheck = Math.min(bestCheck, (System.nanoTime() - checkStart) / 1_000_000_000.0);
        }
        log.info(
                "probe: check of the archive (read, checksum; in process, best of 3): {} s, {} MB/s of JSON",
                bestCheck,
                jsonBytes / 1_000_000 / bestCheck);
        assertThat(postgres.jdbc("silo")
                        .queryOne(
                                "SELECT count(*) FROM tenants WHERE slug = 'probe-copy' AND status = 'active'",
                                row -> row.getLong(1))
                        .orElseThrow())
                .isOne();
    }

    private record Run(double seconds, long maxHeapMb, int collections) {}

    private Run child(String... args) throws IOException, InterruptedException {
        Path gcLog = dir.resolve("gc-" + args[0] + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m",
                "-XX:+UseSerialGC",
                "-Xlog:gc:file=" + gcLog,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SILO_LOG_LEVEL", "WARN");
        long start = System.nanoTime();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        int code = process.waitFor();
        double seconds = (System.nanoTime() - start) / 1_000_000_000.0;
        assertThat(code).as(output).isZero();
        log.info(
                "probe: silo {} said: {}",
                args[0],
                output.strip().replaceAll("\\s+", " ").replaceAll(".*\\r", ""));
        long max = 0;
        int collections = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher matcher = AFTER_GC.matcher(line);
            if (matcher.find()) {
                max = Math.max(max, Long.parseLong(matcher.group(1)));
                collections++;
            }
        }
        return new Run(seconds, max, collections);
    }
}
