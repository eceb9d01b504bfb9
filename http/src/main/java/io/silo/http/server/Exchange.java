package io.silo.http.server;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.silo.app.session.Principal;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
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
    /**
     * On every answer: the API serves JSON and files, never a page, so a browser may not guess another
     * type, frame it, run anything in it, or tell the next site where the user came from. A route that
     * serves something else (a file's sandboxed download) sets its own Content-Security-Policy.
     */
    private static final List<Header> HARDENING = List.of(
            HeaderValues.createCached("X-Content-Type-Options", "nosniff"),
            HeaderValues.createCached("X-Frame-Options", "DENY"),
            HeaderValues.createCached("Referrer-Policy", "no-referrer"),
            HeaderValues.createCached("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"));
    /**
     * On every answer to a client that came over HTTPS (served here, or as a trusted proxy says): browsers
     * then refuse plain HTTP to this host for a year. Over plain HTTP a browser ignores it (RFC 6797 §8.1),
     * so it is not sent where it means nothing.
     */
    private static final Header STRICT_TRANSPORT_SECURITY =
            HeaderValues.createCached("Strict-Transport-Security", "max-age=31536000");
    /** The few content types answered, each made once: a header value is checked when it is made. */
    private static final ConcurrentMap<String, Header> CONTENT_TYPES = new ConcurrentHashMap<>();

    private final ServerRequest request;
    private final ServerResponse response;
    private final String route;
    private final String requestId;
    private final ClientAddresses.Client client;
    /** Adds what depends on the whole exchange (CORS, by whose answer it is) just before the answer goes out. */
    private final Consumer<Exchange> beforeAnswer;

    private int status = 200;
    private Principal principal;
    private String body;
    private boolean streaming;
    private boolean streamedToEnd;
    private boolean streamingAnswer;

    Exchange(
            ServerRequest request,
            ServerResponse response,
            String route,
            ClientAddresses.Client client,
            Consumer<Exchange> beforeAnswer) {
        this.request = request;
        this.response = response;
        this.route = route;
        this.client = client;
        this.beforeAnswer = beforeAnswer;
        this.requestId = RequestIds.of(request.headers().first(REQUEST_ID).orElse(null), client.address());
        response.header(REQUEST_ID, requestId);
        HARDENING.forEach(response::header);
        if (client.https()) {
            response.header(STRICT_TRANSPORT_SECURITY);
        }
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

    /**
     * The client's IP address: the connection's peer, or what a trusted proxy says the client was
     * ({@link ClientAddresses}).
     */
    public String ip() {
        return client.address();
    }

    /** Whether the client's connection was HTTPS: served so here, or so a trusted proxy says. */
    public boolean https() {
        return client.https();
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

    /**
     * Reads and drops a body announced over the route's limit, before its 413: a client that is still
     * sending when the connection closes, or a socket closed with unread bytes (which TCP resets),
     * loses the answer. Only a body at most {@link #MAX_BODY_BYTES} over {@code limit} is read; a
     * larger one closes the connection after the answer ({@link #closeAfterRefusal}).
     */
    void dropBody(long limit) {
        OptionalLong length = contentLength();
        if (!request.content().hasEntity() || length.isEmpty() || length.getAsLong() > limit + MAX_BODY_BYTES) {
            return;
        }
        try (InputStream in = request.content().inputStream()) {
            streamedToEnd = drained(in, length.getAsLong());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body", e);
        }
    }

    /** Reads and drops up to {@code most} bytes of {@code in}; true when it ended within them. */
    private static boolean drained(InputStream in, long most) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = most;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                return true;
            }
            left -= read;
        }
        return in.read() < 0;
    }

    /** The {@code Content-Length} the client announced, if it did (a chunked body has none). */
    public OptionalLong contentLength() {
        return request.headers().contentLength();
    }

    /**
     * The body as a stream, for a route that takes more than {@link #MAX_BODY_BYTES} (a file upload,
     * {@link Routes#upload}): read once, as the client sends it, never held whole. A body that breaks
     * off is {@code bad-request}; one over the route's limit stops the listener's reading with a 413.
     * The caller checks its own, smaller limits as it reads.
     */
    public InputStream bodyStream() {
        if (!request.content().hasEntity()) {
            streamedToEnd = true;
            return InputStream.nullInputStream();
        }
        streaming = true;
        return new BodyStream();
    }

    /**
     * Whether, after a refusal, the connection should close rather than have the listener read and
     * drop the rest of the body: a body not read to its end that may be large (over
     * {@link #MAX_BODY_BYTES}, or of unknown length), such as an upload refused half-way.
     */
    boolean closeAfterRefusal() {
        if (!request.content().hasEntity() || streamedToEnd || body != null) {
            return false;
        }
        OptionalLong length = contentLength();
        return streaming || length.isEmpty() || length.getAsLong() > MAX_BODY_BYTES;
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

    /** Writes a streamed answer's body; may throw what the writing throws. */
    @FunctionalInterface
    public interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Answers a body of {@code length} bytes written by {@code writer} as it goes, with the status and
     * headers set before: nothing is held whole, whatever the length. A failure before the first byte
     * is answered as a problem like any other; once bytes have left, it is {@link AnswerBrokenOff},
     * and the connection closes with the body short of its length, so that no client takes it for whole.
     */
    public void stream(String contentType, long length, BodyWriter writer) {
        beforeAnswer.accept(this);
        response.status(status);
        response.header(CONTENT_TYPES.computeIfAbsent(contentType, Exchange::contentTypeHeader));
        response.header(HeaderNames.CONTENT_LENGTH, Long.toString(length));
        if (length == 0) {
            response.send();
            return;
        }
        Answer out = new Answer();
        try {
            writer.write(out);
            out.close();
        } catch (IOException | RuntimeException e) {
            if (out.begun()) {
                throw new AnswerBrokenOff(e);
            }
            response.headers().remove(HeaderNames.CONTENT_LENGTH); // the problem document has its own
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** An answer that broke off after its first bytes had left: the connection must close. */
    static final class AnswerBrokenOff extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AnswerBrokenOff(Exception cause) {
            super(cause.getMessage(), cause);
        }

        /** Whether the client went away (a browser abandons media requests all the time), rather than Silo failing. */
        boolean clientGone() {
            return getCause() instanceof IOException || getCause() instanceof UncheckedIOException;
        }
    }

    /** The response's stream, taken at the first byte, so that a failure before it can still be a problem. */
    private final class Answer extends OutputStream {
        private OutputStream out;

        boolean begun() {
            return out != null;
        }

        @Override
        public void write(int b) throws IOException {
            stream().write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            stream().write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
            }
        }

        private OutputStream stream() {
            if (out == null) {
                // from here on the answer has begun, whatever the framework says before the stream is closed
                streamingAnswer = true;
                out = response.outputStream();
            }
            return out;
        }
    }

    /** Ends an answer that has no body (a 204, say), unless one was sent. */
    void finish() {
        if (!isSent()) {
            beforeAnswer.accept(this);
            response.status(status);
            response.send();
        }
    }

    boolean isSent() {
        return streamingAnswer || response.isSent();
    }

    /**
     * A request body as it arrives. What breaks off (the client went away, the framing is wrong) is a
     * problem of the request, not of the server.
     */
    private final class BodyStream extends InputStream {
        /**
         * The listener's stream, taken at the first read: taking it answers a client that waits with
         * {@code Expect: 100-continue}, which a refusal before any read must not do.
         */
        private InputStream in;

        private long read;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int count;
            try {
                if (in == null) {
                    in = request.content().inputStream();
                }
                count = in.read(buffer, offset, length);
            } catch (IOException | UncheckedIOException e) {
                throw brokenOff(e);
            } catch (RuntimeException e) {
                if (e instanceof RequestException || e instanceof HttpException || e instanceof SiloException) {
                    throw e; // the listener's own refusal, such as a body over its limit (413)
                }
                throw brokenOff(e);
            }
            if (count < 0) {
                streamedToEnd = true;
            } else {
                read += count;
            }
            return count;
        }

        private SiloException brokenOff(Exception cause) {
            return ProblemType.BAD_REQUEST.exception("the request body broke off after " + read + " bytes", cause);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
