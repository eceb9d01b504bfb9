package io.silo.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An organization's own browser origins (its {@code corsOrigins}), with no origin allowed by the
 * deployment: its members' answers may be read there, another organization's members' answers and
 * a platform administrator's may not; preflights, which carry no token, are answered for the origin
 * of any organization; a removed origin stops at once on this instance, and within moments on another.
 */
@SiloTest
class OrganizationOriginsTest {
    private static final String ALPHA_APP = "https://alpha.example.com";
    private static final String BETA_APP = "https://beta.example.net";
    private static final String INVOICES = "/api/data/billing/invoices";

    private static TestTenant alpha;
    private static TestTenant beta;

    private final TestSilo silo;
    private final SiloClient anonymous;

    OrganizationOriginsTest(TestSilo silo, SiloClient anonymous) {
        this.silo = silo;
        this.anonymous = anonymous;
    }

    @BeforeAll
    static void organizations(SiloClient anonymous) {
        alpha = TestTenants.create(
                anonymous,
                "Alpha Front",
                List.of("billing"),
                Map.of("corsOrigins", List.of(ALPHA_APP, "http://localhost:5173")));
        beta = TestTenants.create(
                anonymous, "Beta Front", List.of("billing"), Map.of("corsOrigins", List.of(BETA_APP)));
    }

    @Test
    void anOrganizationsOriginReadsItsOwnMembersAnswersAndNoOneElses() {
        SiloClient.Response own = from(alpha.client(), "GET", INVOICES, ALPHA_APP);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.header("Access-Control-Allow-Origin")).contains(ALPHA_APP);
        assertThat(own.header("Vary")).contains("Origin");
        assertThat(own.header("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(from(alpha.client(), "GET", INVOICES, "http://localhost:5173")
                        .header("Access-Control-Allow-Origin"))
                .contains("http://localhost:5173");

        SiloClient.Response foreign = from(beta.client(), "GET", INVOICES, ALPHA_APP);
        assertThat(foreign.status())
                .as("the request is served; the browser withholds it")
                .isEqualTo(200);
        assertThat(foreign.header("Access-Control-Allow-Origin")).isEmpty();
        assertThat(from(beta.client(), "GET", INVOICES, BETA_APP).header("Access-Control-Allow-Origin"))
                .contains(BETA_APP);

        SiloClient.Response admin = from(anonymous.asAdmin(), "GET", "/api/organizations", ALPHA_APP);
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.header("Access-Control-Allow-Origin"))
                .as("a platform administrator's answers are for the deployment's origins only")
                .isEmpty();
    }

    @Test
    void preflightsAreAnsweredForAnyOrganizationsOriginAndRefusedForOthers() {
        SiloClient.Response preflight = preflight(ALPHA_APP, INVOICES, "POST");
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).contains(ALPHA_APP);
        assertThat(preflight.header("Access-Control-Allow-Methods"))
                .hasValueSatisfying(methods -> assertThat(methods).contains("GET", "POST"));
        assertThat(preflight(BETA_APP, INVOICES, "GET").status()).isEqualTo(204);

        SiloClient.Response elsewhere = preflight("https://evil.example.org", INVOICES, "GET");
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(elsewhere.problemType()).isEqualTo("origin-not-allowed");
        assertThat(elsewhere.header("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight(ALPHA_APP + "/", INVOICES, "GET").status())
                .as("an origin is matched exactly")
                .isEqualTo(403);
    }

    @Test
    void aSignInIsReadableOnlyOnTheOriginsOfTheMembersOrganizationButItsRefusalAnywhereListed() {
        Map<String, String> alphaAdmin =
                Map.of("organization", alpha.slug(), "email", alpha.adminEmail(), "password", TestTenants.PASSWORD);
        SiloClient.Response signedIn = fromWithBody(anonymous, "/api/auth/login", alphaAdmin, ALPHA_APP);
        assertThat(signedIn.status()).isEqualTo(200);
        assertThat(signedIn.header("Access-Control-Allow-Origin")).contains(ALPHA_APP);

        SiloClient.Response onTheOtherFrontEnd = fromWithBody(anonymous, "/api/auth/login", alphaAdmin, BETA_APP);
        assertThat(onTheOtherFrontEnd.status()).isEqualTo(200);
        assertThat(onTheOtherFrontEnd.header("Access-Control-Allow-Origin"))
                .as("beta's front end does not get alpha's tokens")
                .isEmpty();

        SiloClient.Response wrong = fromWithBody(
                anonymous,
                "/api/auth/login",
                Map.of("organization", alpha.slug(), "email", alpha.adminEmail(), "password", "wrong password!"),
                BETA_APP);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.header("Access-Control-Allow-Origin"))
                .as("a refusal carries nothing of an organization: the front end may read why")
                .contains(BETA_APP);

        String refreshToken = signedIn.json().path("refreshToken").asString();
        SiloClient.Response refreshedElsewhere =
                fromWithBody(anonymous, "/api/auth/refresh", Map.of("refreshToken", refreshToken), BETA_APP);
        assertThat(refreshedElsewhere.status()).isEqualTo(200);
        assertThat(refreshedElsewhere.header("Access-Control-Allow-Origin")).isEmpty();
        SiloClient.Response refreshed = fromWithBody(
                anonymous,
                "/api/auth/refresh",
                Map.of(
                        "refreshToken",
                        refreshedElsewhere.json().path("refreshToken").asString()),
                ALPHA_APP);
        assertThat(refreshed.header("Access-Control-Allow-Origin")).contains(ALPHA_APP);
    }

    @Test
    void originsAreCheckedAndStoredAsBrowsersSendThem() {
        SiloClient admin = anonymous.asAdmin();
        TestTenant gamma = TestTenants.create(anonymous, "Gamma Front", List.of("billing"));
        String path = "/api/organizations/" + gamma.slug();

        SiloClient.Response patched = admin.patch(
                path,
                Map.of(
                        "corsOrigins",
                        List.of("HTTPS://App.Gamma.Example:443", "http://localhost:5173", "http://LOCALHOST:5173")));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        assertThat(names(patched.json().path("corsOrigins")))
                .containsExactly("https://app.gamma.example", "http://localhost:5173");
        assertThat(names(admin.get(path).json().path("corsOrigins")))
                .containsExactly("https://app.gamma.example", "http://localhost:5173");

        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            tooMany.add("https://app" + i + ".gamma.example");
        }
        for (Object wrong : List.of(
                List.of("*"),
                List.of("https://*.gamma.example"),
                List.of("https://app.gamma.example/"),
                List.of("https://app.gamma.example/app"),
                List.of("https://app.gamma.example?x=1"),
                List.of("ftp://app.gamma.example"),
                List.of("null"),
                List.of("app.gamma.example"),
                List.of("https://user@app.gamma.example"),
                List.of("https://app.gamma.example:99999"),
                List.of("https://bücher.example"),
                tooMany,
                "https://app.gamma.example")) {
            SiloClient.Response refused = admin.patch(path, Map.of("corsOrigins", wrong));
            assertThat(refused.status()).as("%s", wrong).isEqualTo(400);
            assertThat(refused.problemType()).as("%s", wrong).isEqualTo("invalid-origin");
        }
        assertThat(names(admin.get(path).json().path("corsOrigins")))
                .as("nothing half-written")
                .containsExactly("https://app.gamma.example", "http://localhost:5173");

        Map<String, Object> create = new HashMap<>(Map.of(
                "name",
                "Delta Front",
                "services",
                List.of("billing"),
                "corsOrigins",
                List.of("https://delta.example/"),
                "admin",
                Map.of("email", "admin@delta.example", "name", "D", "password", TestTenants.PASSWORD)));
        SiloClient.Response notCreated = admin.post("/api/organizations", create);
        assertThat(notCreated.problemType()).isEqualTo("invalid-origin");
        assertThat(admin.get("/api/organizations?q=delta").json().path("items")).isEmpty();
    }

    @Test
    void aRemovedOriginStopsAtOnceHereAndWithinMomentsOnAnotherInstance() {
        String app = "https://epsilon.example.com";
        TestTenant epsilon =
                TestTenants.create(anonymous, "Epsilon Front", List.of("billing"), Map.of("corsOrigins", List.of(app)));
        SiloClient admin = anonymous.asAdmin();
        try (TestSilo other = TestSilo.resume(silo.config(), SiloOptions.server())) {
            SiloClient memberThere = epsilon.client().at(other.uri());
            assertThat(allowed(memberThere, app))
                    .as("the other instance caches the placement")
                    .isTrue();
            assertThat(allowedPreflight(other.client(), app)).isTrue();
            assertThat(allowed(epsilon.client(), app)).isTrue();

            SiloClient.Response removed =
                    admin.patch("/api/organizations/" + epsilon.slug(), Map.of("corsOrigins", List.of()));
            assertThat(removed.status()).as(removed.text()).isEqualTo(200);

            assertThat(allowed(epsilon.client(), app))
                    .as("this instance, at once")
                    .isFalse();
            assertThat(allowedPreflight(anonymous, app)).isFalse();
            assertThat(Eventually.get(Duration.ofSeconds(5), () -> allowed(memberThere, app), allowed -> !allowed))
                    .isFalse();
            assertThat(Eventually.get(
                            Duration.ofSeconds(5), () -> allowedPreflight(other.client(), app), allowed -> !allowed))
                    .isFalse();

            admin.patch("/api/organizations/" + epsilon.slug(), Map.of("corsOrigins", List.of(app)));
            assertThat(allowed(epsilon.client(), app)).as("and back").isTrue();
            assertThat(Eventually.get(
                            Duration.ofSeconds(5), () -> allowedPreflight(other.client(), app), allowed -> allowed))
                    .isTrue();
        }
    }

    @Test
    void aSuspendedOrganizationsFrontEndMayStillReadWhy() {
        String app = "https://zeta.example.com";
        TestTenant zeta =
                TestTenants.create(anonymous, "Zeta Front", List.of("billing"), Map.of("corsOrigins", List.of(app)));
        anonymous.asAdmin().post("/api/organizations/" + zeta.slug() + "/suspend", Map.of("reason", "unpaid"));

        assertThat(allowedPreflight(anonymous, app)).isTrue();
        SiloClient.Response refused = from(zeta.client(), "GET", INVOICES, app);
        assertThat(refused.problemType()).isEqualTo("organization-suspended");
        assertThat(refused.header("Access-Control-Allow-Origin")).contains(app);
    }

    private static boolean allowed(SiloClient member, String origin) {
        return from(member, "GET", INVOICES, origin)
                .header("Access-Control-Allow-Origin")
                .isPresent();
    }

    private static boolean allowedPreflight(SiloClient client, String origin) {
        return client.send(
                                "OPTIONS",
                                INVOICES,
                                Optional.empty(),
                                Map.of("Origin", origin, "Access-Control-Request-Method", "GET"))
                        .status()
                == 204;
    }

    private SiloClient.Response preflight(String origin, String path, String method) {
        return anonymous.send(
                "OPTIONS", path, Optional.empty(), Map.of("Origin", origin, "Access-Control-Request-Method", method));
    }

    private static SiloClient.Response from(SiloClient client, String method, String path, String origin) {
        return client.send(method, path, Optional.empty(), Map.of("Origin", origin));
    }

    private static SiloClient.Response fromWithBody(SiloClient client, String path, Object body, String origin) {
        return client.send("POST", path, Optional.of(body), Map.of("Origin", origin));
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.asString()));
        return out;
    }
}
