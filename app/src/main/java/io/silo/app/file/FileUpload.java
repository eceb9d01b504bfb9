package io.silo.app.file;

import java.io.InputStream;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A file as a client sends it: its name and type, the length it announced (when it did), and its
 * bytes, read once, a chunk at a time.
 *
 * @param name the file's name, as the client gave it
 * @param contentType its {@code Content-Type}; empty when none was sent
 * @param declaredLength its {@code Content-Length}, when the client sent one
 * @param body its bytes; the caller closes it
 */
public record FileUpload(String name, String contentType, OptionalLong declaredLength, InputStream body) {
    public FileUpload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(declaredLength, "declaredLength");
        Objects.requireNonNull(body, "body");
    }
}
