package io.silo.client;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A refusal by Silo: its RFC 9457 problem document, typed. Branch on {@link #slug()} (the stable part of
 * {@code type}, e.g. {@code version-conflict}); {@link #detail()} is for people. Members beyond the
 * standard ones ({@code currentVersion}, {@code errors}, {@code fields} …) are in {@link #extensions()}.
 *
 * <p>Immutable, thread-safe.
 */
public final class SiloProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The prefix of every Silo problem type. */
    public static final String TYPE_PREFIX = "urn:silo:problem:";

    private static final Set<String> STANDARD = Set.of("type", "title", "status", "detail", "instance", "requestId");

    private final String type;
    private final int status;
    private final String title;
    private final String detail;
    private final String instance;
    private final String requestId;
    private final transient Map<String, JsonNode> extensions;
    private final transient Optional<Duration> retryAfter;

    SiloProblemException(int status, JsonNode problem, Optional<Duration> retryAfter) {
        super(status + " " + problem.path("type").asString("") + ": "
                + problem.path("detail").asString(""));
        this.type = problem.path("type").asString("about:blank");
        this.status = problem.path("status").asInt(status);
        this.title = problem.path("title").asString("");
        this.detail = problem.path("detail").asString("");
        this.instance = problem.path("instance").asString("");
        this.requestId = problem.path("requestId").asString("");
        Map<String, JsonNode> more = new LinkedHashMap<>();
        problem.properties().forEach(member -> {
            if (!STANDARD.contains(member.getKey())) {
                more.put(member.getKey(), member.getValue());
            }
        });
        this.extensions = Collections.unmodifiableMap(more);
        this.retryAfter = retryAfter;
    }

    /** The problem type, a URI: {@code urn:silo:problem:version-conflict}. */
    public String type() {
        return type;
    }

    /** The type without its prefix: {@code version-conflict}. */
    public String slug() {
        return type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : type;
    }

    /** Whether this problem is of the type {@code slug} ({@code "duplicate-key"}). */
    public boolean is(String slug) {
        return slug().equals(slug);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    /** The request path the problem is about. */
    public String instance() {
        return instance;
    }

    /** The request id, also in the server's log lines. */
    public String requestId() {
        return requestId;
    }

    /** Members beyond type, title, status, detail, instance and requestId, by name. */
    public Map<String, JsonNode> extensions() {
        return extensions;
    }

    /** One extension member, such as {@code currentVersion} of a {@code version-conflict}. */
    public Optional<JsonNode> extension(String name) {
        return Optional.ofNullable(extensions.get(name));
    }

    /** How long the server asked to wait ({@code Retry-After}), on a 429 or 503. */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
