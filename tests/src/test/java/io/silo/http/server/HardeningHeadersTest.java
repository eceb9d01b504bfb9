package io.silo.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every answer tells a browser not to sniff its type, frame it, run anything in it or pass on where
 * the user came from: successes, problems, unknown routes and refusals alike (issue 15).
 */
@SiloTest
class HardeningHeadersTest {

    @Test
    void everyAnswerCarriesTheHardeningHeaders(SiloClient anonymous) {
        for (SiloClient.Response answer : List.of(
                anonymous.get("/api/health"),
                anonymous.get("/api/no-such-route"),
                anonymous.get("/api/data/billing/invoices"),
                anonymous.post("/api/auth/login", "not json"))) {
            assertThat(answer.header("X-Content-Type-Options"))
                    .as(answer.toString())
                    .contains("nosniff");
            assertThat(answer.header("X-Frame-Options")).contains("DENY");
            assertThat(answer.header("Referrer-Policy")).contains("no-referrer");
            assertThat(answer.header("Content-Security-Policy")).contains("default-src 'none'; frame-ancestors 'none'");
        }
    }
}
