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

    private final ProblemType problem;
    private final ErrorKind kind;
    private final Map<String, Object> extensions = new LinkedHashMap<>();
    private Duration retryAfter;

    /** Built by {@link ProblemType#exception}, the only way to make one, or by a subclass. */
    SiloException(ProblemType problem, ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
        this.kind = kind;
    }

    /** For the few subclasses: a problem of {@code problem}'s kind. */
    protected SiloException(ProblemType problem, String message, Throwable cause) {
        this(problem, problem.kind(), message, cause);
    }

    /** An unexpected failure: a bug, logged with its cause and answered as {@code internal-error}. */
    public static SiloException internal(String message, Throwable cause) {
        return ProblemType.INTERNAL_ERROR.exception(message, cause);
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
        return problem.type();
    }

    /** The problem, from the catalog. */
    public ProblemType problem() {
        return problem;
    }

    public Map<String, Object> extensions() {
        return Map.copyOf(extensions);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
