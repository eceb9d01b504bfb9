package io.silo.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The client behind a reverse proxy (issue 15, M3 of the security review): only a peer listed in
 * {@code http.trustedProxies} may name the client, in the header they write ({@code X-Forwarded-For}, or
 * {@code Forwarded} when {@code http.forwardedHeader} says so);
 * then the sign-in throttle counts each client on its own, and the audit log records the client's
 * address. From any other peer those headers are ignored, so a client cannot pick its own address.
 * The test client connects from 127.0.0.1, which plays the proxy.
 */
class TrustedProxiesTest {
    private static final int BUDGET = 3;
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();

    @Test
    void behindATrustedProxyEachClientHasItsOwnThrottleAndIsAudited() {
        try (TestSilo silo = TestSilo.start(
                1,
                Map.of(
                        "SILO_HTTP_TRUSTED_PROXIES",
                        "127.0.0.1, 10.0.0.0/8",
                        "SILO_LOGIN_MAX_FAILURES_PER_ADDRESS",
                        Integer.toString(BUDGET)))) {
            SiloClient proxy = silo.client();
            for (int i = 0; i < BUDGET; i++) {
                assertThat(wrongSignIn(proxy, Map.of("X-Forwarded-For", "203.0.113.7"))
                                .status())
                        .isEqualTo(401);
            }
            assertThat(wrongSignIn(proxy, Map.of("X-Forwarded-For", "203.0.113.7"))
                            .problemType())
                    .as("the client over its budget")
                    .isEqualTo("too-many-attempts");
            assertThat(wrongSignIn(proxy, Map.of("X-Forwarded-For", "203.0.113.8"))
                            .status())
                    .as("another client behind the same proxy has a budget of its own")
                    .isEqualTo(401);
            assertThat(wrongSignIn(proxy, Map.of("X-Forwarded-For", "2001:db8:cafe::17"))
                            .status())
                    .as("an IPv6 client")
                    .isEqualTo(401);
            assertThat(wrongSignIn(proxy, Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.1.2.3"))
                            .problemType())
                    .as(
                            "from the right past the trusted hop 10.1.2.3: a leftmost entry the client wrote changes nothing")
                    .isEqualTo("too-many-attempts");
            assertThat(wrongSignIn(proxy, Map.of("X-Forwarded-For", "203.0.113.7", "Forwarded", "for=192.0.2.1"))
                            .problemType())
                    .as("Forwarded is not the header this proxy writes: it is the client's own, and ignored")
                    .isEqualTo("too-many-attempts");
            assertThat(wrongSignIn(proxy, Map.of("X-Forwarded-For", "203.0.113.300"))
                            .status())
                    .as("a malformed header leaves the client at the peer, never a 500")
                    .isEqualTo(401);

            SiloClient.Response signIn =
                    adminSignIn(proxy, Map.of("X-Forwarded-For", "192.0.2.60", "X-Forwarded-Proto", "https"));
            assertThat(signIn.header("Strict-Transport-Security"))
                    .as("the client came over HTTPS, so the browser is told to keep to it")
                    .contains("max-age=31536000");
            SiloClient admin = proxy.as(signIn.json().path("accessToken").asString());
            assertThat(admin.get("/api/auth/me").header("Strict-Transport-Security"))
                    .as("not over plain HTTP")
                    .isEmpty();

            List<JsonNode> audit = audit(admin);
            assertThat(clientOf(audit, "admin.login")).isEqualTo("192.0.2.60");
            assertThat(audit.stream()
                            .filter(entry -> entry.path("action").asString().equals("admin.login.failed"))
                            .map(entry -> entry.path("clientAddress").asString())
                            .distinct())
                    .containsExactlyInAnyOrder("203.0.113.7", "203.0.113.8", "2001:db8:cafe:0:0:0:0:17", "127.0.0.1");
        }
    }

    @Test
    void rfc7239ForwardedWhenTheProxyWritesIt() {
        try (TestSilo silo = TestSilo.start(
                1,
                Map.of(
                        "SILO_HTTP_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8",
                        "SILO_HTTP_FORWARDED_HEADER", "forwarded",
                        "SILO_LOGIN_MAX_FAILURES_PER_ADDRESS", Integer.toString(BUDGET)))) {
            SiloClient proxy = silo.client();
            for (int i = 0; i < BUDGET; i++) {
                assertThat(wrongSignIn(proxy, Map.of("Forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https"))
                                .status())
                        .as("a quoted IPv6 address with a port")
                        .isEqualTo(401);
            }
            assertThat(wrongSignIn(proxy, Map.of("Forwarded", "for=\"[2001:db8:cafe::17]\""))
                            .problemType())
                    .isEqualTo("too-many-attempts");
            assertThat(wrongSignIn(proxy, Map.of("Forwarded", "for=\"192.0.2.43:47011\", for=10.0.0.2"))
                            .status())
                    .as("another client, behind two trusted hops")
                    .isEqualTo(401);
            assertThat(wrongSignIn(proxy, Map.of("X-Forwarded-For", "192.0.2.99"))
                            .status())
                    .as("X-Forwarded-For is not this proxy's header: the peer's own budget")
                    .isEqualTo(401);
            assertThat(wrongSignIn(proxy, Map.of("Forwarded", "for=\"[2001:db8::1\""))
                            .status())
                    .as("malformed: the peer, never a 500")
                    .isEqualTo(401);
            assertThat(wrongSignIn(proxy, Map.of("Forwarded", "for=unknown")).status())
                    .as("unknown: the peer")
                    .isEqualTo(401);
            assertThat(wrongSignIn(proxy, Map.of("Forwarded", "for=_hidden")).problemType())
                    .as("an obfuscated name: the peer, now over its budget")
                    .isEqualTo("too-many-attempts");

            SiloClient.Response signIn =
                    adminSignIn(proxy, Map.of("Forwarded", "for=192.0.2.60;proto=https;by=10.0.0.1, for=10.0.0.1"));
            assertThat(signIn.header("Strict-Transport-Security")).contains("max-age=31536000");
            List<JsonNode> audit =
                    audit(proxy.as(signIn.json().path("accessToken").asString()));
            assertThat(clientOf(audit, "admin.login")).isEqualTo("192.0.2.60");
            assertThat(audit.stream()
                            .filter(entry -> entry.path("action").asString().equals("admin.login.failed"))
                            .map(entry -> entry.path("clientAddress").asString())
                            .distinct())
                    .containsExactlyInAnyOrder("2001:db8:cafe:0:0:0:0:17", "192.0.2.43", "127.0.0.1");
        }
    }

    @Test
    void fromAPeerNotTrustedTheForwardingHeadersAreIgnored() {
        try (TestSilo silo =
                TestSilo.start(1, Map.of("SILO_LOGIN_MAX_FAILURES_PER_ADDRESS", Integer.toString(BUDGET)))) {
            SiloClient client = silo.client();
            SiloClient.Response signIn =
                    adminSignIn(client, Map.of("X-Forwarded-For", "192.0.2.60", "X-Forwarded-Proto", "https"));
            assertThat(signIn.header("Strict-Transport-Security"))
                    .as("nobody trusted said HTTPS")
                    .isEmpty();
            SiloClient admin = client.as(signIn.json().path("accessToken").asString());

            for (int i = 0; i < BUDGET; i++) {
                assertThat(wrongSignIn(client, Map.of("X-Forwarded-For", "203.0.113." + i))
                                .status())
                        .isEqualTo(401);
            }
            assertThat(wrongSignIn(client, Map.of("Forwarded", "for=203.0.113.99"))
                            .problemType())
                    .as("a forged address does not buy a new budget")
                    .isEqualTo("too-many-attempts");

            List<JsonNode> audit = audit(admin);
            assertThat(clientOf(audit, "admin.login")).isEqualTo("127.0.0.1");
            assertThat(audit.stream()
                            .filter(entry -> entry.path("action").asString().equals("admin.login.failed"))
                            .map(entry -> entry.path("clientAddress").asString())
                            .distinct())
                    .containsExactly("127.0.0.1");
        }
    }

    /** A wrong sign-in, each for another account: only the per-address budget may refuse it. */
    private static SiloClient.Response wrongSignIn(SiloClient client, Map<String, String> headers) {
        return client.send(
                "POST",
                "/api/admin/auth/login",
                Optional.of(Map.of(
                        "email",
                        "nobody-" + ACCOUNTS.incrementAndGet() + "@silo.test",
                        "password",
                        "a wrong password")),
                headers);
    }

    private static SiloClient.Response adminSignIn(SiloClient client, Map<String, String> headers) {
        SiloClient.Response signIn = client.send(
                "POST",
                "/api/admin/auth/login",
                Optional.of(Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD)),
                headers);
        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        return signIn;
    }

    private static List<JsonNode> audit(SiloClient admin) {
        SiloClient.Response page = admin.get("/api/admin/activity?limit=100");
        assertThat(page.status()).isEqualTo(200);
        return StreamSupport.stream(page.json().path("items").spliterator(), false)
                .toList();
    }

    private static String clientOf(List<JsonNode> audit, String action) {
        return audit.stream()
                .filter(entry -> entry.path("action").asString().equals(action))
                .map(entry -> entry.path("clientAddress").asString())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " in the audit log: " + audit));
    }
}
