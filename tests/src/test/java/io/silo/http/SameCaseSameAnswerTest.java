package io.silo.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One case, one answer, in every route family: a client that branches on a problem's type can
 * predict its status. A service that does not exist, a service the organization does not use, a
 * malformed id, a name too long and a blank cursor, each tried wherever a request can carry it.
 */
@SiloTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SameCaseSameAnswerTest {
    private static final String LONG_NAME = "n".repeat(201);

    private SiloClient anonymous;
    private SiloClient platformAdmin;
    private TestTenant acme;

    @BeforeAll
    void organization(SiloClient client) {
        anonymous = client;
        platformAdmin = client.asAdmin();
        acme = TestTenants.create(client, "Same Answer Co", List.of("billing"));
    }

    /** One request that carries the case, and the answer every family owes it. */
    record Case(String name, Function<SameCaseSameAnswerTest, SiloClient.Response> request, int status, String type) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // a service that does not exist: 404 where the name is in the path or query, 422 in a body
                new Case(
                        "unknown service, data path",
                        t -> t.member().get("/api/data/nosuch/things"),
                        404,
                        "unknown-service"),
                new Case(
                        "unknown service, activity query",
                        t -> t.member().get("/api/activity?service=nosuch"),
                        404,
                        "unknown-service"),
                new Case(
                        "unknown service, new organization",
                        t -> t.platformAdmin.post(
                                "/api/organizations", organization("Nosuch Co", List.of("nosuch"), "Nosuch Co")),
                        422,
                        "unknown-service"),
                new Case(
                        "unknown service, user roles",
                        t -> t.member().post("/api/users", user("u1@acme.example", "U1", Map.of("nosuch", "user"))),
                        422,
                        "unknown-service"),
                new Case(
                        "unknown service, sign-up",
                        t -> t.anonymous.post("/api/signup", signup(List.of("nosuch"))),
                        422,
                        "unknown-service"),
                // a service the organization does not use
                new Case(
                        "service not used, data path",
                        t -> t.member().get("/api/data/crm/contacts"),
                        404,
                        "service-not-enabled"),
                new Case(
                        "service not used, activity query",
                        t -> t.member().get("/api/activity?service=crm"),
                        404,
                        "service-not-enabled"),
                new Case(
                        "service not used, user roles",
                        t -> t.member().post("/api/users", user("u2@acme.example", "U2", Map.of("crm", "user"))),
                        422,
                        "service-not-enabled"),
                // a malformed id
                new Case(
                        "malformed id, document",
                        t -> t.member().get("/api/data/billing/invoices/not-an-id"),
                        400,
                        "invalid-id"),
                new Case(
                        "malformed id, batch",
                        t -> t.member()
                                .post(
                                        "/api/data/billing/_batch",
                                        Map.of(
                                                "operations",
                                                List.of(Map.of(
                                                        "op", "delete", "collection", "invoices", "id", "1-1-1-1-1")))),
                        400,
                        "invalid-id"),
                new Case("malformed id, user", t -> t.member().get("/api/users/not-an-id"), 400, "invalid-id"),
                new Case("malformed id, job", t -> t.platformAdmin.get("/api/admin/jobs/not-an-id"), 400, "invalid-id"),
                new Case(
                        "malformed id, audit log tenant",
                        t -> t.platformAdmin.get("/api/admin/activity?tenant=not-an-id"),
                        400,
                        "invalid-id"),
                // a name too long
                new Case(
                        "name too long, organization",
                        t -> t.platformAdmin.post(
                                "/api/organizations", organization(LONG_NAME, List.of("billing"), "Long Co")),
                        400,
                        "field-too-long"),
                new Case(
                        "name too long, organization patch",
                        t -> t.platformAdmin.patch("/api/organizations/" + t.acme.slug(), Map.of("name", LONG_NAME)),
                        400,
                        "field-too-long"),
                // a blank cursor is no cursor: the first page
                new Case(
                        "blank cursor, organizations", t -> t.platformAdmin.get("/api/organizations?cursor="), 200, ""),
                new Case("blank cursor, users", t -> t.member().get("/api/users?cursor="), 200, ""),
                new Case("blank cursor, activity", t -> t.member().get("/api/activity?cursor="), 200, ""),
                new Case("blank cursor, audit log", t -> t.platformAdmin.get("/api/admin/activity?cursor="), 200, ""),
                new Case(
                        "name too long, user",
                        t -> t.member().post("/api/users", user("u3@acme.example", LONG_NAME, Map.of())),
                        400,
                        "field-too-long"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answeredTheSameWayInEveryFamily(Case example) {
        SiloClient.Response response = example.request().apply(this);

        assertThat(response.status()).as(response.text()).isEqualTo(example.status());
        if (!example.type().isEmpty()) {
            assertThat(response.problemType()).as(response.text()).isEqualTo(example.type());
        }
    }

    private SiloClient member() {
        return acme.client();
    }

    private static Map<String, Object> organization(String name, List<String> services, String slugSource) {
        return Map.of(
                "name",
                name,
                "slug",
                slugSource.toLowerCase().replace(' ', '-'),
                "services",
                services,
                "admin",
                Map.of(
                        "email",
                        "boss@" + slugSource.toLowerCase().replace(" ", "") + ".example",
                        "name",
                        "Boss",
                        "password",
                        TestTenants.PASSWORD));
    }

    private static Map<String, Object> user(String email, String name, Map<String, String> services) {
        return Map.of("email", email, "name", name, "password", TestTenants.PASSWORD, "services", services);
    }

    private static Map<String, Object> signup(List<String> services) {
        return Map.of(
                "organization", Map.of("name", "Signup Co", "services", services),
                "admin", Map.of("email", "founder@signup.example", "name", "Founder", "password", "founder-password"));
    }
}
