package io.silo.bench.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JFR recording of Silo's JVM, started and stopped from outside with {@code jcmd}, with the
 * {@code profile} settings (execution samples every 10 ms per thread).
 *
 * <p>Not thread-safe.
 */
public final class JfrRecording {
    private static final String NAME = "silo-bench";

    private final long pid;
    private final Path file;

    private JfrRecording(long pid, Path file) {
        this.pid = pid;
        this.file = file;
    }

    /** Starts recording the JVM {@code pid} into {@code file}. */
    public static JfrRecording start(long pid, Path file) {
        jcmd(pid, "JFR.start", "name=" + NAME, "settings=profile", "filename=" + file.toAbsolutePath());
        return new JfrRecording(pid, file);
    }

    /** Stops the recording and writes its file. */
    public Path stop() {
        jcmd(pid, "JFR.stop", "name=" + NAME);
        return file;
    }

    private static void jcmd(long pid, String... arguments) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> command = new java.util.ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
        command.addAll(List.of(arguments));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd", e);
        }
    }
}
