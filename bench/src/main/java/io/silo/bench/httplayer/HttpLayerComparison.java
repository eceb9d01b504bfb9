package io.silo.bench.httplayer;

import io.silo.app.Application;
import io.silo.bench.load.LoadDriver;
import io.silo.bench.load.LoadResult;
import io.silo.bench.system.ProcFs;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code silo bench --http-layer}: the same routed read (and a hello world) behind each candidate HTTP
 * layer, in one JVM with one Silo application and one embedded PostgreSQL, loaded by {@code wrk} in
 * turn: requests per second, p99, and this JVM's CPU per request (from {@code /proc}), which is what
 * the HTTP layer adds on top of the identical work behind it. Appended to the report.
 */
public final class HttpLayerComparison {

    private final Duration warmup;
    private final Duration measured;
    private final int connections;
    private final Path report;
    private final Consumer<String> out;

    public HttpLayerComparison(Duration warmup, Duration measured, int connections, Path report, Consumer<String> out) {
        this.warmup = warmup;
        this.measured = measured;
        this.connections = connections;
        this.report = report;
        this.out = out;
    }

    /** One open-loop phase: latency at a fixed rate. */
    record Latency(
            String server,
            double rate,
            double achieved,
            double p50Millis,
            double p99Millis,
            double p999Millis,
            long failed) {}

    /** One measured phase. */
    record Figures(
            String server,
            String route,
            double requestsPerSecond,
            double p99Millis,
            long errors,
            double cpuMicrosPerRequest) {}

    public void run() {
        requireWrk();
        try (TestSilo silo = TestSilo.start(1, Map.of())) {
            SiloClient anonymous = silo.client();
            TestTenants.TestTenant tenant = TestTenants.create(anonymous, "Layer Co", List.of("billing"));
            SiloClient.Response created = tenant.client()
                    .post(
                            "/api/data/billing/invoices",
                            Map.of(
                                    "number",
                                    "L-1",
                                    "customer",
                                    Map.of("name", "Ada"),
                                    "status",
                                    "sent",
                                    "currency",
                                    "EUR",
                                    "total",
                                    120,
                                    "issueDate",
                                    "2026-11-22"));
            if (created.status() != 201) {
                throw new IllegalStateException("could not write the document to read: " + created);
            }
            String id = created.json().path("_id").asString();
            String token = tenant.client()
                    .login(
                            "/api/auth/login",
                            Map.of(
                                    "organization",
                                    tenant.slug(),
                                    "email",
                                    tenant.adminEmail(),
                                    "password",
                                    TestTenants.PASSWORD));
            Application app = silo.silo().application();
            RoutedRead read = new RoutedRead(app);
            List<Figures> figures = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (PrototypeServer server :
                        List.of(new JavalinServer(app), new JettyCoreServer(read), new HelidonServer(read))) {
                    try (server) {
                        String base = "http://127.0.0.1:" + server.port();
                        if (round == 1) {
                            figures.add(phase(server.name(), "hello world", base + "/hello", ""));
                            figures.add(phase(
                                    server.name(), "routed read", base + "/api/data/billing/invoices/" + id, token));
                        } else {
                            out.accept("warming up " + server.name());
                            wrk(base + "/hello", "", warmup);
                            wrk(base + "/api/data/billing/invoices/" + id, token, warmup);
                        }
                    }
                }
            }
            // latency at a fixed rate, the same for every server: about half of what the slowest served above
            double rate = Math.floor(figures.stream()
                                    .filter(f -> f.route().equals("routed read"))
                                    .mapToDouble(Figures::requestsPerSecond)
                                    .min()
                                    .orElse(2000)
                            / 2
                            / 100)
                    * 100;
            List<Latency> latencies = new ArrayList<>();
            for (PrototypeServer server :
                    List.of(new JavalinServer(app), new JettyCoreServer(read), new HelidonServer(read))) {
                try (server) {
                    wrk("http://127.0.0.1:" + server.port() + "/api/data/billing/invoices/" + id, token, warmup);
                    LoadResult result = new LoadDriver(server.name(), connections, Duration.ofSeconds(2), measured)
                            .openLoop(
                                    rate,
                                    client -> new FixedReadClient(
                                            server.port(), "/api/data/billing/invoices/" + id, token),
                                    LoadDriver.Window.NONE);
                    Latency latency = new Latency(
                            server.name(),
                            rate,
                            result.throughput(),
                            result.all().percentileMillis(50),
                            result.all().percentileMillis(99),
                            result.all().percentileMillis(99.9),
                            result.failed());
                    out.accept(String.format(
                            "%-32s open loop at %.0f/s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, failed %d",
                            latency.server(),
                            rate,
                            latency.p50Millis(),
                            latency.p99Millis(),
                            latency.p999Millis(),
                            latency.failed()));
                    latencies.add(latency);
                }
            }
            write(figures, latencies);
        }
    }

    private Figures phase(String server, String route, String url, String token) {
        wrk(url, token, Duration.ofSeconds(Math.max(2, warmup.toSeconds() / 4)));
        long pid = ProcessHandle.current().pid();
        long before = ProcFs.processTicks(pid).orElse(0L);
        WrkOutput wrk = WrkOutput.parse(wrk(url, token, measured));
        long ticks = ProcFs.processTicks(pid).orElse(0L) - before;
        Figures figures = new Figures(
                server,
                route,
                wrk.requestsPerSecond(),
                wrk.p99Millis(),
                wrk.errors(),
                wrk.requests() == 0 ? 0 : ticks * (1_000_000.0 / ProcFs.TICKS_PER_SECOND) / wrk.requests());
        out.accept(String.format(
                "%-32s %-12s %9.0f req/s  p99 %6.2f ms  %6.1f µs CPU/request  errors %d",
                server,
                route,
                figures.requestsPerSecond(),
                figures.p99Millis(),
                figures.cpuMicrosPerRequest(),
                figures.errors()));
        return figures;
    }

    private String wrk(String url, String token, Duration duration) {
        List<String> command = new ArrayList<>(
                List.of("wrk", "-t2", "-c" + connections, "-d" + duration.toSeconds() + "s", "--latency"));
        if (!token.isEmpty()) {
            command.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        command.add(url);
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("wrk failed: " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void requireWrk() {
        try {
            new ProcessBuilder("wrk", "--version")
                    .redirectErrorStream(true)
                    .start()
                    .waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("wrk is not installed (Debian: apt-get install wrk)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(List<Figures> figures, List<Latency> latencies) {
        StringBuilder md = new StringBuilder();
        md.append("\n## HTTP layer comparison, ")
                .append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .append(
                        "\n\n`./silo bench --http-layer`: one JVM, one Silo application, one embedded PostgreSQL; `wrk -t2 -c")
                .append(connections)
                .append("` against each server in turn, ")
                .append(warmup.toSeconds())
                .append(" s of warm-up per route and server, then ")
                .append(measured.toSeconds())
                .append(
                        " s measured. CPU is this JVM's (`/proc`), per request: what the HTTP layer adds to the same work.\n\n")
                .append("| server | route | req/s | p99 ms | CPU µs/request | errors |\n|---|---|---|---|---|---|\n");
        for (Figures f : figures) {
            md.append(String.format(
                    "| %s | %s | %.0f | %.2f | %.1f | %d |%n",
                    f.server(), f.route(), f.requestsPerSecond(), f.p99Millis(), f.cpuMicrosPerRequest(), f.errors()));
        }
        md.append(
                        "\nOpen loop, the bench's own generator at a fixed rate (half the slowest server's closed-loop routed reads), ")
                .append(connections)
                .append(" connections, ")
                .append(measured.toSeconds())
                .append(
                        " s measured:\n\n| server | rate /s | achieved /s | p50 ms | p99 ms | p99.9 ms | failed |\n|---|---|---|---|---|---|---|\n");
        for (Latency l : latencies) {
            md.append(String.format(
                    "| %s | %.0f | %.0f | %.2f | %.2f | %.2f | %d |%n",
                    l.server(), l.rate(), l.achieved(), l.p50Millis(), l.p99Millis(), l.p999Millis(), l.failed()));
        }
        try {
            Files.createDirectories(report.toAbsolutePath().getParent());
            Files.writeString(report, md.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.accept("appended to " + report);
    }
}
