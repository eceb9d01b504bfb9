package io.silo.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Files that hold secrets: created readable by their owner only, never for an instant by others. */
public final class PrivateFiles {
    private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);

    private PrivateFiles() {}

    /** Writes {@code text} to a new file of mode 0600; fails if the file exists. */
    public static void write(Path file, String text) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
            log.warn("cannot restrict permissions of {} on this file system; protect it by other means", file);
        }
        Files.writeString(file, text);
    }
}
