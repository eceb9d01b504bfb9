package io.silo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.demo.DemoAccount;
import io.silo.app.demo.DemoReport;
import io.silo.config.SiloConfig;
import io.silo.http.Silo;
import io.silo.json.Json;
import io.silo.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code silo serve --demo} as the command does it, started twice on one control database: the
 * configuration of a demo (loopback), the load and its logged account table; every account the
 * seeds' tables list signs in over HTTP after each start, and the second start creates nothing.
 */
class ServeDemoTwiceTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void theDemoStartedTwiceLoadsOnceAndEverySeedAccountSignsInAfterEachStart() throws Exception {
        TestPostgres postgres = TestPostgres.primary();
        postgres.reset();
        Path config = dir.resolve("silo.yaml");
        Files.writeString(config, """
                http: {port: 0}
                data: {dir: %s}
                master: {key: "%s"}
                database: {url: "%s", user: %s, password: "%s"}
                passwords: {memoryKib: 4096, iterations: 1}
                """.formatted(
                        dir.resolve("data"),
                        Base64.getEncoder().encodeToString(new byte[32]),
                        postgres.url("silo"),
                        postgres.user(),
                        postgres.password()));

        DemoReport first = start(config);
        assertThat(first.created())
                .contains(
                        "techland",
                        "globaltrade",
                        "mobile",
                        "pharmacy",
                        "salon",
                        "techcorp-solutions",
                        "green-bottle-liquor",
                        "green-valley-school");
        assertThat(first.accounts()).hasSize(19);

        DemoReport second = start(config);
        assertThat(second.created()).as("a second start creates nothing").isEmpty();
        assertThat(second.present()).containsExactlyInAnyOrderElementsOf(first.created());
        assertThat(second.accounts()).isEqualTo(first.accounts());
    }

    /** One {@code serve --demo}: started, loaded, every account signed in, stopped. */
    private static DemoReport start(Path config) throws IOException, InterruptedException {
        SiloConfig demo = SiloConfig.from(ConfigOptions.demoSource(Optional.of(config), Map.of()));
        try (Silo silo = Silo.start(demo)) {
            assertThat(silo.config().http().host())
                    .as("the demo listens on loopback")
                    .isEqualTo("127.0.0.1");
            DemoReport report = ServeCommand.loadDemo(silo);
            for (DemoAccount account : report.accounts()) {
                HttpResponse<String> answer = signIn(silo.uri(), account);
                assertThat(answer.statusCode())
                        .as(account.organization() + " " + account.login() + ": " + answer.body())
                        .isEqualTo(200);
            }
            return report;
        }
    }

    private static HttpResponse<String> signIn(URI silo, DemoAccount account) throws IOException, InterruptedException {
        String loginField = account.login().contains("@") ? "email" : "username";
        String body = Json.write(Map.of(
                "organization", account.organization(), loginField, account.login(), "password", account.password()));
        return HTTP.send(
                HttpRequest.newBuilder(silo.resolve("/api/auth/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
