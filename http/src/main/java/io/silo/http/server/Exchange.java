package io.silo.http.server;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.silo.app.session.Principal;
import io.silo.error.ProblemType;
import io.silo.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/**
 * One HTTP request and its answer, as the endpoints see them: path and query parameters, headers,
 * the body, and a JSON or text answer. It hides the HTTP framework from every endpoint.
 *
 * <p>Not thread-safe: it belongs to the one thread serving its request.
 */
public final class Exchange {
    /** The largest request body read; the listener refuses larger ones before a route sees them. */
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private static final String JSON = "application/json";
    private static final HeaderName REQUEST_ID = HeaderNames.create(RequestIds.HEADER);
    /** The few content types answered, each made once: a header value is checked when it is made. */
    private static final ConcurrentMap<String, Header> CONTENT_TYPES = new ConcurrentHashMap<>();

    private final ServerRequest request;
    private final ServerResponse response;
    private final String route;
    private final String requestId;
    /** Adds what depends on the whole exchange (CORS, by whose answer it is) just before the answer goes out. */
    private final Consumer<Exchange> beforeAnswer;

    private int status = 200;
    private Principal principal;
    private String body;

    Exchange(ServerRequest request, ServerResponse response, String route, Consumer<Exchange> beforeAnswer) {
        this.request = request;
        this.response = response;
        this.route = route;
        this.beforeAnswer = beforeAnswer;
        this.requestId = RequestIds.of(request.headers().first(REQUEST_ID).orElse(null));
        response.header(REQUEST_ID, requestId);
    }

    /** The HTTP method, upper case. */
    public String method() {
        return request.prologue().method().text();
    }

    /** The request's path, without its query. */
    public String path() {
        return request.path().path();
    }

    /** The path template of the route serving this request, such as {@code /api/orgs/{id}}. */
    public String route() {
        return route;
    }

    public String requestId() {
        return requestId;
    }

    /** A parameter of the route's path template, decoded. */
    public String pathParam(String name) {
        return request.path().pathParameters().get(name);
    }

    /** A query parameter's first value; an empty value is no value. */
    public Optional<String> query(String name) {
        return request.query().first(name).asOptional().filter(value -> !value.isEmpty());
    }

    /** A request header, or {@code null}. */
    public String header(String name) {
        return request.headers().first(HeaderNames.create(name)).orElse(null);
    }

    /** The client's address, as the connection shows it. */
    public String ip() {
        return request.remotePeer().address() instanceof InetSocketAddress address && address.getAddress() != null
                ? address.getAddress().getHostAddress()
                : request.remotePeer().host();
    }

    /** The {@code User-Agent} header, or {@code null}. */
    public String userAgent() {
        return header("User-Agent");
    }

    /** The body as text (UTF-8), read once; empty when there is none. Over {@link #MAX_BODY_BYTES} is a 413. */
    public String body() {
        if (body == null) {
            body = request.content().hasEntity() ? readBody() : "";
        }
        return body;
    }

    private String readBody() {
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw ProblemType.BODY_TOO_LARGE.exception("the request body is over " + MAX_BODY_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body", e);
        }
    }

    /** The caller, once {@link io.silo.http.auth.Authenticator} has read the token. */
    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    public void principal(Principal principal) {
        this.principal = principal;
    }

    /** The status of the answer; 200 unless set. */
    public Exchange status(int status) {
        this.status = status;
        return this;
    }

    public int status() {
        return status;
    }

    /** Sets a response header. */
    public Exchange header(String name, String value) {
        response.header(HeaderNames.create(name), value);
        return this;
    }

    /** Answers {@code body} as JSON, with the status set before. */
    public void json(Object body) {
        send(JSON, Json.mapper().writeValueAsBytes(body));
    }

    /** Answers a body that already is JSON text, with the status set before. */
    public void jsonText(String json) {
        send(JSON, json);
    }

    /** Answers {@code body} with its content type, with the status set before. */
    public void send(String contentType, String body) {
        send(contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    void send(String contentType, byte[] body) {
        beforeAnswer.accept(this);
        response.status(status);
        response.header(CONTENT_TYPES.computeIfAbsent(contentType, Exchange::contentTypeHeader));
        response.send(body);
    }

    private static Header contentTypeHeader(String contentType) {
        return HeaderValues.createCached(HeaderNames.CONTENT_TYPE, contentType);
    }

    /** Ends an answer that has no body (a 204, say), unless one was sent. */
    void finish() {
        if (!response.isSent()) {
            beforeAnswer.accept(this);
            response.status(status);
            response.send();
        }
    }

    boolean isSent() {
        return response.isSent();
    }
}
