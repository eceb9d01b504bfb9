package io.silo.bench.stack;

import io.silo.bench.system.Pause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Silo under test, in a JVM of its own: {@code java [options] -jar silo.jar serve}, configured only
 * through its environment, its output in a log file. The benchmark's own {@code SILO_*}
 * variables are not passed on, so that nothing but what the run says reaches the server.
 *
 * <p>Thread-safe.
 */
public final class SiloProcess implements AutoCloseable {
    private static final Duration STOP_WITHIN = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path log;

    private SiloProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts Silo and waits until {@code /api/health} answers 200.
     *
     * @param env the whole {@code SILO_*} configuration; {@code SILO_HTTP_PORT} is chosen here
     */
    public static SiloProcess start(
            Path jar, List<String> jvmOptions, Map<String, String> env, Path log, Duration readyWithin) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "no Silo jar at " + jar.toAbsolutePath() + "; build it first (./silo bench does)");
        }
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "serve"));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("SILO_"));
        builder.environment().putAll(env);
        builder.environment().put("SILO_HTTP_HOST", "127.0.0.1");
        builder.environment().put("SILO_HTTP_PORT", Integer.toString(port));
        try {
            SiloProcess silo = new SiloProcess(builder.start(), port, log);
            try {
                silo.awaitReady(readyWithin);
            } catch (RuntimeException e) {
                silo.close(); // not ready, or interrupted while starting: no Silo is left behind
                throw e;
            }
            return silo;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * The configuration of a Silo the benchmark runs against a server of its own: its data in {@code
     * dataDir}, the control database {@code controlDatabase} there, a platform administrator with a
     * generated password ({@code SILO_ADMIN_PASSWORD}) and a generated master key.
     */
    public static Map<String, String> environment(
            Path dataDir, PostgresServer server, String controlDatabase, String adminEmail) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("SILO_DATA_DIR", dataDir.toString());
        env.put("SILO_ADMIN_EMAIL", adminEmail);
        env.put("SILO_ADMIN_PASSWORD", io.silo.crypto.Secrets.password());
        env.put("SILO_MASTER_KEY", java.util.Base64.getEncoder().encodeToString(io.silo.crypto.Secrets.bytes(32)));
        env.put("SILO_DATABASE_URL", server.url(controlDatabase));
        env.put("SILO_DATABASE_USER", server.user());
        env.put("SILO_DATABASE_PASSWORD", server.password());
        return env;
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private void awaitReady(Duration within) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Silo exited with code " + process.exitValue() + " while starting:\n" + tail());
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(uri().resolve("/api/health"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while Silo was starting", e);
            }
            Pause.sleep(Duration.ofMillis(200), "Silo was starting");
        }
        throw new IllegalStateException("Silo was not ready within " + within.toSeconds() + " s:\n" + tail());
    }

    /** The last lines Silo wrote, for error messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    /** Stops Silo as an operator would (SIGTERM), and kills it if it has not stopped within a minute. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for Silo", e);
        }
    }
}
