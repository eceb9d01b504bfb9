package io.silo.bench.stack;

import java.nio.file.Path;

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
        Jcmd.run(pid, arguments);
    }
}
