package io.silo.http.server;

import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.silo.error.ErrorKind;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.json.Json;
import io.silo.postgres.jdbc.DataAccessException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place where failures become HTTP: every error leaves as an RFC 9457
 * {@code application/problem+json} document with a stable {@code type}, and no stack trace
 * ever reaches a client. Unexpected failures are logged with the request id, which the client
 * also receives, so that the two can be matched.
 *
 * <p>Thread-safe.
 */
public final class Problems {
    /** The prefix of every problem type; the slug after it is documented in {@code docs/errors.md}. */
    public static final String TYPE_PREFIX = "urn:silo:problem:";

    public static final String CONTENT_TYPE = "application/problem+json";

    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    private Problems() {}

    /** The HTTP status of each kind of error. */
    public static int status(ErrorKind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case GONE -> 410;
            case METHOD_NOT_ALLOWED -> 405;
            case TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case RANGE_NOT_SATISFIABLE -> 416;
            case UNPROCESSABLE -> 422;
            case RATE_LIMITED -> 429;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    public static void handle(Exception error, Exchange ctx) {
        switch (error) {
            case SiloException e -> silo(e, ctx);
            case RequestException e -> framework(e.status().code(), e.getMessage(), ctx);
            case HttpException e -> framework(e.status().code(), e.getMessage(), ctx);
            case UnrecognizedPropertyException e ->
                write(
                        ctx,
                        ProblemType.UNKNOWN_FIELD,
                        "unknown field '" + e.getPropertyName() + "' in the request body",
                        Map.of("field", e.getPropertyName()));
            case MismatchedInputException e ->
                write(
                        ctx,
                        ProblemType.INVALID_JSON,
                        "request body does not have the expected shape at " + pathOf(e),
                        Map.of());
            case JacksonException e -> write(ctx, ProblemType.INVALID_JSON, "request body is not valid JSON", Map.of());
            default -> unexpected(error, ctx);
        }
    }

    private static void silo(SiloException e, Exchange ctx) {
        int status = status(e.kind());
        if (e instanceof DataAccessException access && access.isStatementTimeout()) {
            log.warn("{} {} cancelled by the statement timeout: {}", ctx.method(), ctx.path(), e.getMessage());
            write(
                    ctx,
                    ProblemType.QUERY_TIMEOUT,
                    "the query took longer than this server allows; narrow the filter, or ask the "
                            + "operator for an index",
                    Map.of());
            return;
        }
        if (e.kind() == ErrorKind.INTERNAL || !e.problem().answered()) {
            // a problem no client should receive (ProblemType.answered) is a bug where it does
            unexpected(e, ctx);
            return;
        }
        if (e.kind() == ErrorKind.UNAVAILABLE) {
            UnavailableLog.log(e.type(), ctx.method(), ctx.path(), e.getMessage());
        }
        if (e instanceof DataAccessException) {
            // UNAVAILABLE here (INTERNAL was answered above): database-unavailable or control-database-unavailable.
            // The message holds SQL and server text: for the log, not for clients
            e.retryAfter().ifPresent(delay -> ctx.header("Retry-After", Long.toString(Math.max(1, delay.toSeconds()))));
            write(
                    ctx,
                    e.problem(),
                    (e.problem() == ProblemType.CONTROL_DATABASE_UNAVAILABLE
                                    ? "the control database did not answer; retry shortly (request id "
                                    : "a database did not answer; retry shortly (request id ")
                            + ctx.requestId() + ")",
                    Map.of());
            return;
        }
        if (e.kind() == ErrorKind.UNAUTHENTICATED) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        e.retryAfter().ifPresent(delay -> ctx.header("Retry-After", Long.toString(Math.max(1, delay.toSeconds()))));
        String detail = infrastructureDetail(e.problem())
                .map(text -> text + (e.getMessage().endsWith("not queued") ? "; refused at once, not queued" : "")
                        + "; retry shortly (request id " + ctx.requestId() + ")")
                .orElse(e.getMessage());
        write(ctx, status(e.kind()), e.problem(), detail, e.extensions());
    }

    /**
     * The detail of a 503 about Silo's own infrastructure, the same whatever failed: the message
     * names clusters, databases, roles, hosts or driver text, which a caller has no use for and
     * should not learn. The log has it under the request id ({@link UnavailableLog}). Whether the
     * request was refused at once (a full waiting line, {@code PoolErrors}) or after waiting is kept:
     * it tells a client how hard to back off.
     */
    private static Optional<String> infrastructureDetail(ProblemType type) {
        return Optional.ofNullable(
                switch (type) {
                    case CLUSTER_UNAVAILABLE -> "the database server of this organization does not answer";
                    case DATABASE_UNAVAILABLE -> "a database of this organization does not answer";
                    case CONNECTION_BUDGET_EXHAUSTED ->
                        "the database server of this organization has no connection free";
                    case DATABASE_BUSY -> "this organization's database has no connection free";
                    case MAIL_UNAVAILABLE -> "the mail could not be sent";
                    default -> null;
                });
    }

    /** A failure the HTTP framework raised while a route ran, such as a body over the limit. */
    private static void framework(int status, String message, Exchange ctx) {
        ProblemType type = switch (status) {
            case 413 -> ProblemType.BODY_TOO_LARGE;
            default -> status >= 500 ? ProblemType.INTERNAL_ERROR : ProblemType.BAD_REQUEST;
        };
        if (type == ProblemType.INTERNAL_ERROR) {
            unexpected(new IllegalStateException(message), ctx);
            return;
        }
        write(
                ctx,
                type,
                type == ProblemType.BODY_TOO_LARGE
                        ? "the request body is larger than this server takes"
                        : "the request could not be read",
                Map.of());
    }

    private static void unexpected(Exception e, Exchange ctx) {
        log.error("{} {} failed unexpectedly", ctx.method(), ctx.path(), e);
        write(
                ctx,
                ProblemType.INTERNAL_ERROR,
                "an unexpected error occurred; quote request id " + ctx.requestId() + " when reporting it",
                Map.of());
    }

    /**
     * The problem document of one refused item of a bulk request, as a map to embed in its answer:
     * what the item would have been answered alone, but the details of internal and infrastructure
     * problems, which are for the log (under the request id), not for the client.
     */
    public static Map<String, Object> embedded(SiloException e, Exchange ctx) {
        boolean internal = e.kind() == ErrorKind.INTERNAL || !e.problem().answered();
        boolean infrastructure = e instanceof DataAccessException
                || infrastructureDetail(e.problem()).isPresent();
        if (internal) {
            log.error("{} {}: an item of a bulk request failed", ctx.method(), ctx.path(), e);
        }
        ProblemType type = internal ? ProblemType.INTERNAL_ERROR : e.problem();
        int status = status(type.kind());
        String detail = internal || infrastructure
                ? "the item could not be done; retry it (request id " + ctx.requestId() + ")"
                : e.getMessage();
        byte[] document = document(
                type,
                status,
                detail,
                ctx.path(),
                ctx.requestId(),
                internal || infrastructure ? Map.of() : e.extensions());
        return Json.mapper().readValue(document, new tools.jackson.core.type.TypeReference<Map<String, Object>>() {});
    }

    /** Writes a problem document of {@code type}, with the status of its kind. */
    public static void write(Exchange ctx, ProblemType type, String detail, Map<String, Object> extensions) {
        write(ctx, status(type.kind()), type, detail, extensions);
    }

    private static void write(
            Exchange ctx, int status, ProblemType type, String detail, Map<String, Object> extensions) {
        if (ctx.isSent()) {
            log.warn("{} {}: {} after the answer had started; the connection ends", ctx.method(), ctx.path(), type);
            return;
        }
        ctx.status(status).send(CONTENT_TYPE, document(type, status, detail, ctx.path(), ctx.requestId(), extensions));
    }

    /** The problem document, as JSON bytes. */
    static byte[] document(
            ProblemType type,
            int status,
            String detail,
            String instance,
            String requestId,
            Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + type.type());
        body.put("title", title(status));
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", instance);
        body.put("requestId", requestId);
        extensions.forEach(body::putIfAbsent);
        return Json.mapper().writeValueAsBytes(body);
    }

    private static String pathOf(MismatchedInputException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
                .orElse("");
        return path.isEmpty() ? "the top level" : "'" + path + "'";
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 416 -> "Range Not Satisfiable";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
