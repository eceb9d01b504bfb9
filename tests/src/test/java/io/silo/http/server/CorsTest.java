package io.silo.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A browser front end on an allowed origin may call the API: its preflight is answered with what
 * the path takes, its answers (errors too) carry the origin; any other origin is refused at the
 * preflight and gets no CORS header; credentials are never allowed.
 */
class CorsTest {
    private static final String APP = "https://app.example.com";
    private static final String ELSEWHERE = "https://evil.example.net";
    private static final String INVOICES = "/api/data/billing/invoices";

    private static TestSilo silo;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(
                1, Map.of("SILO_HTTP_CORS_ORIGINS", APP + ", http://localhost:3000"), SiloOptions.server());
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithWhatThePathTakes() {
        SiloClient.Response preflight = preflight(APP, INVOICES, "POST");

        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).contains(APP);
        assertThat(preflight.header("Vary")).contains("Origin");
        assertThat(preflight.header("Access-Control-Allow-Methods"))
                .hasValueSatisfying(methods -> assertThat(methods).contains("GET", "POST"));
        assertThat(preflight.header("Access-Control-Allow-Headers"))
                .hasValueSatisfying(
                        headers -> assertThat(headers).contains("Authorization", "Content-Type", "If-Match"));
        assertThat(preflight.header("Access-Control-Allow-Credentials"))
                .as("bearer tokens, never cookies")
                .isEmpty();
        assertThat(preflight(APP + "/", INVOICES, "POST").status())
                .as("an origin is matched exactly")
                .isEqualTo(403);
    }

    @Test
    void aPreflightFromAnyOtherOriginIsRefused() {
        SiloClient.Response preflight = preflight(ELSEWHERE, INVOICES, "DELETE");

        assertThat(preflight.status()).isEqualTo(403);
        assertThat(preflight.problemType()).isEqualTo("origin-not-allowed");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight("null", INVOICES, "GET").status())
                .as("a sandboxed page's origin")
                .isEqualTo(403);
    }

    @Test
    void answersToAnAllowedOriginCarryItErrorsIncludedAndOthersCarryNothing() {
        SiloClient.Response fromApp = withOrigin("GET", "/api/health", APP);
        assertThat(fromApp.status()).isEqualTo(200);
        assertThat(fromApp.header("Access-Control-Allow-Origin")).contains(APP);
        assertThat(fromApp.header("Access-Control-Expose-Headers"))
                .hasValueSatisfying(exposed -> assertThat(exposed).contains("ETag", "Retry-After", "X-Request-Id"));

        SiloClient.Response unauthenticated = withOrigin("GET", INVOICES, "http://localhost:3000");
        assertThat(unauthenticated.status()).isEqualTo(401);
        assertThat(unauthenticated.header("Access-Control-Allow-Origin"))
                .as("the browser may read why it failed")
                .contains("http://localhost:3000");

        SiloClient.Response fromElsewhere = withOrigin("GET", "/api/health", ELSEWHERE);
        assertThat(fromElsewhere.status()).isEqualTo(200);
        assertThat(fromElsewhere.header("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void optionsWithoutAPreflightAndPathsWithoutRoutesAnswerAsBefore() {
        assertThat(withOrigin("OPTIONS", INVOICES, APP).status())
                .as("OPTIONS that asks for no method is no preflight")
                .isEqualTo(405);
        SiloClient.Response unknown = preflight(APP, "/api/no-such-thing", "GET");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.problemType()).isEqualTo("route-not-found");
    }

    private static SiloClient.Response preflight(String origin, String path, String method) {
        return silo.client()
                .send(
                        "OPTIONS",
                        path,
                        Optional.empty(),
                        Map.of("Origin", origin, "Access-Control-Request-Method", method));
    }

    private static SiloClient.Response withOrigin(String method, String path, String origin) {
        return silo.client().send(method, path, Optional.empty(), Map.of("Origin", origin));
    }
}
