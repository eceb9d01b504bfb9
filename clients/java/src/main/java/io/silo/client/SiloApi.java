package io.silo.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of one Silo, for one caller at a time:
 *
 * <pre>{@code
 * SiloApi api = SiloApi.connect(URI.create("http://localhost:8080"));
 * api.signIn(SignIn.member("techland", "computershop@example.com", "computershop123"));
 * Page<JsonNode> cheap = api.collection("erp", "products")
 *         .query(Query.where(Filter.lt("price", 100)).sort("-price").limit(20));
 * }</pre>
 *
 * After sign-in every request carries the access token. When the server refuses it as no longer valid
 * (401 {@code invalid-token}: expired, or revoked), the client refreshes the session once, however many
 * requests met the refusal together, and sends each of them once more; the refresh token is spent by
 * that use, and {@link Builder#onTokens} hears of each new pair, so that an application that keeps the
 * session elsewhere (a cookie, a store) keeps the newest. A refusal the refresh cannot help (the
 * session ended) is thrown as {@link SiloProblemException}, as every other problem is; a failure to
 * reach the server is an {@link java.io.UncheckedIOException}.
 *
 * <p>Thread-safe: one instance serves any number of threads, all as the same caller.
 */
public final class SiloApi {
    private final Transport transport;

    private SiloApi(Transport transport) {
        this.transport = transport;
    }

    /** A client of the Silo at {@code base} ({@code http://localhost:8080}), with the defaults, not signed in. */
    public static SiloApi connect(URI base) {
        return builder(base).build();
    }

    public static Builder builder(URI base) {
        return new Builder(base);
    }

    /**
     * Settings of a client; each has a default.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final URI base;
        private Optional<HttpClient> http = Optional.empty();
        private Duration timeout = Duration.ofSeconds(30);
        private Optional<Tokens> tokens = Optional.empty();
        private Consumer<Optional<Tokens>> listener = tokens -> {};
        private JsonMapper mapper = JsonValues.MAPPER;

        private Builder(URI base) {
            Objects.requireNonNull(base, "base");
            if (base.getScheme() == null || base.getHost() == null) {
                throw new IllegalArgumentException("base must be an absolute http(s) URI, not '" + base + "'");
            }
            this.base = base;
        }

        /** The JDK client to send with; by default one of its own (HTTP/1.1, connect timeout 10 s). */
        public Builder httpClient(HttpClient http) {
            this.http = Optional.of(http);
            return this;
        }

        /** How long one request may take, upload or download included; 30 s by default. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, not " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Starts signed in, with a session kept from before. */
        public Builder tokens(Tokens tokens) {
            this.tokens = Optional.of(tokens);
            return this;
        }

        /** Hears of every new pair of tokens (sign-in, refresh) and of the session's end (empty). */
        public Builder onTokens(Consumer<Optional<Tokens>> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The mapper documents of application types are read and written with. */
        public Builder mapper(JsonMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        public SiloApi build() {
            HttpClient client = http.orElseGet(() -> HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build());
            String root = base.toString().endsWith("/") ? base.toString() : base + "/";
            return new SiloApi(new Transport(URI.create(root), client, mapper, timeout, new Session(tokens, listener)));
        }
    }

    /** Signs in; from now on every request is this caller's. */
    public SignedIn signIn(SignIn credentials) {
        JsonNode answer = transport.sendJson(
                transport.json(Transport.Call.of("POST", credentials.path()).anonymous(), credentials.body()));
        transport.session().set(Optional.of(transport.tokens(answer)));
        List<String> services = new ArrayList<>();
        answer.path("services").forEach(service -> services.add(service.asString()));
        return new SignedIn(
                Optional.ofNullable(answer.get("user")), Optional.ofNullable(answer.get("organization")), services);
    }

    /** Ends the session on the server (its tokens are refused from now on) and forgets it here. */
    public void signOut() {
        Optional<Tokens> tokens = transport.session().tokens();
        if (tokens.isPresent()) {
            try {
                transport.send(transport.json(
                        Transport.Call.of("POST", "/api/auth/logout").anonymous(),
                        Map.of("refreshToken", tokens.get().refreshToken())));
            } finally {
                transport.session().set(Optional.empty());
            }
        }
    }

    /** The current tokens, to keep the session across restarts; empty when not signed in. */
    public Optional<Tokens> tokens() {
        return transport.session().tokens();
    }

    /** Who the caller is, read afresh ({@code GET /api/auth/me}). */
    public JsonNode me() {
        return transport.sendJson(Transport.Call.of("GET", "/api/auth/me"));
    }

    /** A collection, its documents as JSON trees. */
    public Collection<JsonNode> collection(String service, String collection) {
        return new Collection<>(transport, service, collection, JsonNode.class);
    }

    /** A collection, its documents mapped to {@code type} by Jackson. */
    public <T> Collection<T> collection(String service, String collection, Class<T> type) {
        return new Collection<>(transport, service, collection, type);
    }

    /** A new batch of writes to one service's collections. */
    public Batch batch(String service) {
        return new Batch(transport, service);
    }

    /** The users of the caller's organization (its administrators, or managers of lower roles). */
    public Users users() {
        return new Users(transport, "/api/users");
    }

    /** The users of any organization, for a platform administrator. */
    public Users users(String organization) {
        return new Users(transport, "/api/admin/organizations/" + Transport.segment(organization) + "/users");
    }

    /** Any route without a method here: {@code GET path} (with its query), the answer as JSON. */
    public JsonNode get(String pathAndQuery) {
        return transport.sendJson(Transport.Call.of("GET", pathAndQuery));
    }

    /** Any route without a method here: {@code POST path} with a JSON body, the answer as JSON. */
    public JsonNode post(String pathAndQuery, Object body) {
        return transport.sendJson(transport.json(Transport.Call.of("POST", pathAndQuery), body));
    }
}
