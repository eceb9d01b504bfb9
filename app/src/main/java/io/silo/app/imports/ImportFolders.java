package io.silo.app.imports;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The folders and mapping files an import started over HTTP may read: inside the configured
 * {@code imports.dir} only. A path is taken relative to that directory; one with a {@code ..}
 * element, an absolute one, one that leads out of it through a symbolic link, or one not there is
 * 400 {@code invalid-import-path}; a folder holding a symbolic link that leads out of it is refused
 * too, since the import reads every file of the folder and of its sub-folders. The checked paths are
 * the real ones (links resolved), and the job reads those. Without {@code imports.dir} (or when it
 * is no directory) every request is 409 {@code imports-not-configured}.
 *
 * <p>The check cannot stop someone who may write into {@code imports.dir} from swapping a checked
 * file for a link afterwards: that directory is for the operators who put dumps there.
 *
 * <p>Thread-safe (immutable).
 */
public final class ImportFolders {
    private final Optional<Path> root;

    public ImportFolders(Optional<Path> root) {
        this.root = root;
    }

    /** The real path of the folder {@code given} (relative to {@code imports.dir}), named {@code field} in problems. */
    public Path folder(String given, String field) {
        Path base = base();
        Path real = inside(base, given, field);
        if (!Files.isDirectory(real)) {
            throw invalid(field, "'" + shown(given) + "' is no folder inside imports.dir");
        }
        // the import reads the folder's files and those of its sub-folders (a database each)
        for (Path entry : entries(real, field)) {
            leadsOut(base, entry, given, field);
            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                for (Path nested : entries(entry, field)) {
                    leadsOut(base, nested, given, field);
                }
            }
        }
        return real;
    }

    /** The real path of the file {@code given} (relative to {@code imports.dir}), named {@code field} in problems. */
    public Path file(String given, String field) {
        Path real = inside(base(), given, field);
        if (!Files.isRegularFile(real)) {
            throw invalid(field, "'" + shown(given) + "' is no file inside imports.dir");
        }
        return real;
    }

    private Path base() {
        Path configured = root.orElseThrow(() -> ProblemType.IMPORTS_NOT_CONFIGURED.exception(
                "imports over HTTP are not configured: set imports.dir to the directory holding the dumps"
                        + " (or run silo import on the server)"));
        try {
            Path real = configured.toRealPath();
            if (!Files.isDirectory(real)) {
                throw notADirectory();
            }
            return real;
        } catch (IOException e) {
            throw notADirectory();
        }
    }

    private static SiloException notADirectory() {
        return ProblemType.IMPORTS_NOT_CONFIGURED.exception(
                "imports over HTTP are not configured: imports.dir is not a directory");
    }

    private static Path inside(Path base, String given, String field) {
        if (given == null || given.isBlank()) {
            throw ProblemType.MISSING_FIELD.exception(field + " is required").with("field", field);
        }
        Path relative;
        try {
            relative = Path.of(given);
        } catch (InvalidPathException e) {
            throw invalid(field, "'" + shown(given) + "' is not a path");
        }
        if (relative.isAbsolute() || relative.getRoot() != null) {
            throw invalid(field, "'" + shown(given) + "' must be relative to imports.dir");
        }
        for (Path element : relative) {
            if (element.toString().equals("..")) {
                throw invalid(field, "'" + shown(given) + "' leaves imports.dir with '..'");
            }
        }
        Path real;
        try {
            real = base.resolve(relative).normalize().toRealPath();
        } catch (NoSuchFileException e) {
            throw invalid(field, "'" + shown(given) + "' is not there inside imports.dir");
        } catch (IOException e) {
            throw invalid(field, "'" + shown(given) + "' cannot be read inside imports.dir");
        }
        if (!real.startsWith(base)) {
            throw invalid(field, "'" + shown(given) + "' leaves imports.dir through a symbolic link");
        }
        return real;
    }

    private static void leadsOut(Path base, Path entry, String given, String field) {
        if (!Files.isSymbolicLink(entry)) {
            return;
        }
        try {
            if (entry.toRealPath().startsWith(base)) {
                return;
            }
        } catch (IOException e) {
            // a dangling link: refused like one leading out
        }
        throw invalid(
                field,
                "'" + shown(given) + "' holds a symbolic link ("
                        + shown(entry.getFileName().toString()) + ") that leaves imports.dir");
    }

    private static java.util.List<Path> entries(Path folder, String field) {
        java.util.List<Path> out = new java.util.ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            stream.forEach(out::add);
        } catch (IOException e) {
            throw invalid(field, "a folder inside imports.dir cannot be listed");
        }
        return out;
    }

    private static SiloException invalid(String field, String message) {
        return ProblemType.INVALID_IMPORT_PATH.exception(message).with("field", field);
    }

    private static String shown(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "…" : clean;
    }
}
