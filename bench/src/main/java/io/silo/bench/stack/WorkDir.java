package io.silo.bench.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;

/**
 * The work directory of a run that starts servers of its own ({@code --backup}, {@code --move}):
 * made at the start, refused when a previous run left it, deleted at the end unless kept.
 *
 * <p>Thread-safe: stateless.
 */
public final class WorkDir {
    private WorkDir() {}

    /** Creates {@code dir}; refuses one that exists (a previous run kept it, or died). */
    public static void prepare(Path dir) {
        try {
            if (Files.exists(dir)) {
                throw new IllegalArgumentException("the work directory " + dir.toAbsolutePath()
                        + " exists; a previous run kept it (--keep) or died. Delete it, or pass another --work-dir");
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work directory " + dir, e);
        }
    }

    /** Deletes {@code dir} and everything in it; what cannot be deleted is told to {@code progress}. */
    public static void delete(Path dir, Consumer<String> progress) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            progress.accept("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
