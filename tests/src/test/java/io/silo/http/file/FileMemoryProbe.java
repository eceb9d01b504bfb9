package io.silo.http.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.ChildSilo;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A measurement, not a test of the suite: 50 MiB go into a Silo whose heap is smaller than the file
 * ({@code -Xmx64m}, in a child JVM) and come out again, while {@code jstat} samples the child's heap
 * every 100 ms. It logs the figures; run it with {@code -Dsilo.probe.fileMemory=true}. That the
 * transfer succeeds at all shows that no request holds the file whole.
 */
@EnabledIfSystemProperty(named = "silo.probe.fileMemory", matches = "true")
class FileMemoryProbe {
    private static final Logger log = LoggerFactory.getLogger(FileMemoryProbe.class);
    private static final long SIZE = 50L * 1024 * 1024;
    private static final long MIB = 1024 * 1024;

    @Test
    void fiftyMebibytesGoInAndOutOfAHeapSmallerThanTheFile() throws Exception {
        TestPostgres.primary().reset();
        Path templates = Path.of(
                getClass().getClassLoader().getResource("templates/files").toURI());
        Map<String, String> env = TestSilo.env(
                Map.of("SILO_SERVICES_DIR", templates.toString(), "JAVA_TOOL_OPTIONS", "-Xmx64m -XX:+UseSerialGC"));
        try (ChildSilo child = ChildSilo.start(env)) {
            long pid = ProcessHandle.current()
                    .children()
                    .filter(process -> process.info().command().orElse("").endsWith("/java"))
                    .max(java.util.Comparator.comparing(
                            process -> process.info().startInstant().orElse(java.time.Instant.EPOCH)))
                    .orElseThrow()
                    .pid();
            TestTenant tenant = TestTenants.create(child.client(), "Memory Probe", List.of("classroom"));
            String document = tenant.client()
                    .post("/api/data/classroom/messages", Map.of("text", "a long recording"))
                    .json()
                    .path("_id")
                    .asString();
            String token = bearer(tenant);
            URI files = child.uri().resolve("/api/data/classroom/messages/" + document + "/_files?name=long.ogg");
            HttpClient http = HttpClient.newHttpClient();

            String flags = new String(
                    new ProcessBuilder(jdkTool("jcmd"), Long.toString(pid), "VM.flags")
                            .start()
                            .getInputStream()
                            .readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(flags)
                    .as("the child runs in a heap smaller than the file")
                    .contains("MaxHeapSize=67108864");
            jcmd(pid, "GC.run");
            long idle = heapUsed(pid);
            Sampler sampler = new Sampler(pid);
            Thread sampling = Thread.ofPlatform().start(sampler);

            long start = System.nanoTime();
            Generated body = new Generated(SIZE);
            HttpResponse<String> created = http.send(
                    HttpRequest.newBuilder(files)
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "audio/ogg")
                            .POST(HttpRequest.BodyPublishers.fromPublisher(
                                    HttpRequest.BodyPublishers.ofInputStream(() -> body), SIZE))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            long uploaded = System.nanoTime();
            long[] peakUpload = sampler.peakAndReset();
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String location = created.headers().firstValue("Location").orElseThrow();

            HttpResponse<InputStream> read = http.send(
                    HttpRequest.newBuilder(child.uri().resolve(location))
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long received = 0;
            try (InputStream in = read.body()) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    received += n;
                }
            }
            long downloaded = System.nanoTime();
            long[] peakDownload = sampler.peakAndReset();
            sampler.stop();
            sampling.join();

            assertThat(received).isEqualTo(SIZE);
            assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(body.sha256());
            log.info(
                    "FILE MEMORY: -Xmx64m, SerialGC, {} MiB file; heap used idle after GC {} MiB; peak heap used"
                            + " during the upload {} MiB ({} samples), during the download {} MiB ({} samples); upload"
                            + " {} ms, download {} ms; heap after GC at the end {} MiB",
                    SIZE / MIB,
                    mib(idle),
                    mib(peakUpload[0]),
                    peakUpload[1],
                    mib(peakDownload[0]),
                    peakDownload[1],
                    (uploaded - start) / 1_000_000,
                    (downloaded - uploaded) / 1_000_000,
                    mib(afterGc(pid)));
        }
    }

    private static String bearer(TestTenant tenant) {
        return tenant.client()
                .login(
                        "/api/auth/login",
                        Map.of(
                                "organization",
                                tenant.slug(),
                                "email",
                                tenant.adminEmail(),
                                "password",
                                TestTenants.PASSWORD));
    }

    private static String mib(long bytes) {
        return String.format("%.1f", bytes / (double) MIB);
    }

    private static long afterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        return heapUsed(pid);
    }

    private static void jcmd(long pid, String command) throws IOException, InterruptedException {
        new ProcessBuilder(jdkTool("jcmd"), Long.toString(pid), command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor();
    }

    /** Heap in use now: survivors, eden and old generation, as {@code jstat -gc} shows them. */
    private static long heapUsed(long pid) throws IOException {
        Process jstat = new ProcessBuilder(jdkTool("jstat"), "-gc", Long.toString(pid))
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> header = Arrays.asList(out.readLine().trim().split("\\s+"));
            String[] values = out.readLine().trim().split("\\s+");
            double kib = 0;
            for (String column : List.of("S0U", "S1U", "EU", "OU")) {
                kib += Double.parseDouble(values[header.indexOf(column)]);
            }
            return (long) (kib * 1024);
        }
    }

    private static String jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    /** Samples the child's heap every 100 ms ({@code jstat -gc <pid> 100}) until stopped, keeping the peak. */
    private static final class Sampler implements Runnable {
        private final long pid;
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong samples = new AtomicLong();
        private volatile Process jstat;

        Sampler(long pid) {
            this.pid = pid;
        }

        /** The peak since the last call, and how many samples it was taken from. */
        long[] peakAndReset() {
            return new long[] {peak.getAndSet(0), samples.getAndSet(0)};
        }

        void stop() {
            jstat.destroy();
        }

        @Override
        public void run() {
            try {
                jstat = new ProcessBuilder(jdkTool("jstat"), "-gc", Long.toString(pid), "100")
                        .redirectErrorStream(true)
                        .start();
                try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
                    List<String> header = Arrays.asList(out.readLine().trim().split("\\s+"));
                    for (String line; (line = out.readLine()) != null; ) {
                        String[] values = line.trim().split("\\s+");
                        if (values.length != header.size() || values[0].equals(header.get(0))) {
                            continue;
                        }
                        double kib = 0;
                        for (String column : List.of("S0U", "S1U", "EU", "OU")) {
                            kib += Double.parseDouble(values[header.indexOf(column)]);
                        }
                        peak.accumulateAndGet((long) (kib * 1024), Math::max);
                        samples.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                // the child or jstat ended
            }
        }
    }

    /** Deterministic bytes made as they are read, with their digest. */
    private static final class Generated extends InputStream {
        private final long size;
        private final MessageDigest digest;
        private long sent;

        Generated(long size) throws Exception {
            this.size = size;
            this.digest = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (sent >= size) {
                return -1;
            }
            int n = (int) Math.min(length, size - sent);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = (byte) ((sent + i) * 31 >>> 3);
            }
            digest.update(buffer, offset, n);
            sent += n;
            return n;
        }

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
