package io.silo.error;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one unchecked exception of Silo. It carries a stable problem {@link #type() type} (a short
 * slug such as {@code tenant-not-found}) that clients may rely on, a message written for the
 * person reading it, and optional extension members for RFC 9457 problem documents.
 *
 * <p>Instances are immutable once thrown; {@link #with(String, Object)} is meant for building.
 */
public class SiloException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String type;
    private final Map<String, Object> extensions = new LinkedHashMap<>();
    private Duration retryAfter;

    public SiloException(ErrorKind kind, String type, String message) {
        this(kind, type, message, null);
    }

    public SiloException(ErrorKind kind, String type, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.type = type;
    }

    public static SiloException invalid(String type, String message) {
        return new SiloException(ErrorKind.INVALID, type, message);
    }

    public static SiloException unprocessable(String type, String message) {
        return new SiloException(ErrorKind.UNPROCESSABLE, type, message);
    }

    public static SiloException notFound(String type, String message) {
        return new SiloException(ErrorKind.NOT_FOUND, type, message);
    }

    public static SiloException conflict(String type, String message) {
        return new SiloException(ErrorKind.CONFLICT, type, message);
    }

    public static SiloException forbidden(String type, String message) {
        return new SiloException(ErrorKind.FORBIDDEN, type, message);
    }

    public static SiloException unauthenticated(String type, String message) {
        return new SiloException(ErrorKind.UNAUTHENTICATED, type, message);
    }

    public static SiloException unavailable(String type, String message, Duration retryAfter) {
        return new SiloException(ErrorKind.UNAVAILABLE, type, message).retryAfter(retryAfter);
    }

    public static SiloException unavailable(String type, String message, Duration retryAfter, Throwable cause) {
        return new SiloException(ErrorKind.UNAVAILABLE, type, message, cause).retryAfter(retryAfter);
    }

    public static SiloException internal(String message, Throwable cause) {
        return new SiloException(ErrorKind.INTERNAL, "internal-error", message, cause);
    }

    /** Adds an extension member to the problem document, e.g. the failing paths of a schema check. */
    public SiloException with(String name, Object value) {
        extensions.put(name, value);
        return this;
    }

    public SiloException retryAfter(Duration delay) {
        this.retryAfter = delay;
        return this;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The stable slug that names this kind of problem; documented in {@code docs/errors.md}. */
    public String type() {
        return type;
    }

    public Map<String, Object> extensions() {
        return Map.copyOf(extensions);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
