package io.silo.http.server;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.silo.error.ProblemType;
import java.util.Map;

/**
 * Problem documents for requests the listener refuses before any route sees them: a malformed
 * request (400 {@code bad-request}) or a body over the limit (413 {@code body-too-large}). They
 * get a request id of their own, like every other answer.
 *
 * <p>Immutable and thread-safe.
 */
final class TransportProblems implements DirectHandler {
    private final long maxPayload;
    private final boolean https;

    private TransportProblems(long maxPayload, boolean https) {
        this.maxPayload = maxPayload;
        this.https = https;
    }

    /**
     * @param maxPayload the largest body the listener lets through
     * @param https whether the listener serves HTTPS, so that its refusals carry {@code Strict-Transport-Security} too
     */
    static DirectHandlers handlers(long maxPayload, boolean https) {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        TransportProblems problems = new TransportProblems(maxPayload, https);
        for (EventType type : EventType.values()) {
            builder.addHandler(type, problems);
        }
        return builder.build();
    }

    @Override
    public TransportResponse handle(
            TransportRequest request, EventType event, Status status, ServerResponseHeaders headers, String message) {
        ProblemType type;
        String detail;
        if (status.code() == 413) {
            type = ProblemType.BODY_TOO_LARGE;
            detail = "the request body is over " + maxPayload + " bytes";
        } else if (status.code() >= 500) {
            type = ProblemType.INTERNAL_ERROR;
            detail = "the server could not read the request";
        } else {
            type = ProblemType.BAD_REQUEST;
            detail = "the request is not valid HTTP/1.1";
        }
        String requestId = RequestIds.fresh();
        byte[] body = Problems.document(type, status.code(), detail, request.path(), requestId, Map.of());
        TransportResponse.Builder response = TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, Problems.CONTENT_TYPE)
                .header(HeaderNames.create(RequestIds.HEADER), requestId);
        if (https) {
            response.header(HeaderNames.STRICT_TRANSPORT_SECURITY, "max-age=31536000");
        }
        return response.entity(body).build();
    }
}
