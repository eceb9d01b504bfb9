package io.silo.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Silo in a JVM of its own ({@link PausingSilo}, from this JVM's class path), for tests that kill
 * it with a real SIGKILL: no shutdown hook, no drained request, no closed connection. {@link
 * Process#destroyForcibly()} sends SIGKILL on Linux; {@link #kill()} checks that the child died of
 * it. The child is configured only by the environment it is given, e.g. {@link TestSilo#env(Map)},
 * so that an in-process {@link TestSilo#resume} on the same environment takes over after it.
 *
 * <p>Thread-safe.
 */
public final class ChildSilo implements AutoCloseable {
    // a bound for a child that hangs, not a timing: a JVM starting on a loaded machine may need minutes
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final int DIED_OF_SIGKILL = 128 + 9;
    private static final int TAIL_LINES = 30;

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private final URI uri;

    private ChildSilo(Process process) {
        this.process = process;
        Thread.ofVirtual().name("child-silo-" + process.pid()).start(this::readOutput);
        try {
            this.uri = URI.create(
                    "http://127.0.0.1:" + awaitLine("PORT ").substring(5).trim());
        } catch (AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Starts Silo in a child JVM on {@code env} and returns once it listens. */
    public static ChildSilo start(Map<String, String> env) {
        return start(env, Map.of());
    }

    /**
     * As {@link #start(Map)}, but every job of the child stops for good before the step named
     * {@code step} (e.g. {@code database:crm}); {@link #awaitPaused(String)} sees it stop there.
     */
    public static ChildSilo pausingBefore(String step, Map<String, String> env) {
        return start(env, Map.of(PausingSilo.PAUSE_AT, step));
    }

    private static ChildSilo start(Map<String, String> env, Map<String, String> more) {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PausingSilo.class.getName());
        builder.environment().putAll(env);
        builder.environment().putAll(more);
        builder.redirectErrorStream(true);
        try {
            return new ChildSilo(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a Silo child process", e);
        }
    }

    public URI uri() {
        return uri;
    }

    /** A client for the child's HTTP API. */
    public SiloClient client() {
        return new SiloClient(uri);
    }

    /** Returns once a job of the child has stopped before {@code step}. */
    public void awaitPaused(String step) {
        awaitLine("PAUSED " + step);
    }

    /** SIGKILLs the child and returns once it is dead; fails unless it died of the signal. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("the Silo child " + process.pid() + " outlived SIGKILL by " + WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while killing the Silo child", e);
        }
        if (process.exitValue() != DIED_OF_SIGKILL) {
            throw new AssertionError("the Silo child exited with " + process.exitValue() + ", not of SIGKILL");
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void readOutput() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            reader.lines().forEach(line -> {
                synchronized (tail) {
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
                lines.add(line);
            });
        } catch (IOException e) {
            // the child died; nothing more to read
        }
    }

    private String awaitLine(String prefix) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (System.nanoTime() < deadline && (process.isAlive() || !lines.isEmpty())) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for '" + prefix + "'", e);
        }
        synchronized (tail) {
            throw new AssertionError("the Silo child never printed '" + prefix + "'"
                    + (process.isAlive() ? "" : " and exited with " + process.exitValue()) + "; its last lines:\n"
                    + String.join("\n", tail));
        }
    }
}
