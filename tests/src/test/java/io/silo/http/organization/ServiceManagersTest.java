package io.silo.http.organization;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A POS manager and the shop's cashiers: {@code manages: [cashier]} on {@code pos}'s manager role
 * lets a manager list, add, change and remove cashiers through {@code /api/users}, and nothing more.
 */
@SiloTest
class ServiceManagersTest {
    private static final String PASSWORD = TestTenants.PASSWORD;

    @Test
    void aManagerHiresChangesAndLetsGoOfCashiersOnly(SiloClient anonymous) {
        TestTenant shop = TestTenants.create(anonymous, "Liquor Corner", List.of("pos", "billing"));
        SiloClient admin = shop.client();
        TestTenants.addMember(shop, "manager@corner.example", Map.of("pos", "manager"));
        String accountant = TestTenants.addMember(shop, "books@corner.example", Map.of("billing", "manager"))
                .path("id")
                .asString();
        String mixed = TestTenants.addMember(shop, "mixed@corner.example", Map.of("pos", "cashier", "billing", "user"))
                .path("id")
                .asString();
        SiloClient manager = TestTenants.signIn(anonymous, shop.slug(), "manager@corner.example", PASSWORD);

        SiloClient.Response hired = manager.post(
                "/api/users",
                Map.of(
                        "email",
                        "till@corner.example",
                        "name",
                        "Till",
                        "password",
                        PASSWORD,
                        "services",
                        Map.of("pos", "cashier")));
        assertThat(hired.status()).as(hired.text()).isEqualTo(201);
        String cashier = hired.json().path("id").asString();
        assertThat(TestTenants.signIn(anonymous, shop.slug(), "till@corner.example", PASSWORD)
                        .get("/api/data/pos/products")
                        .status())
                .isEqualTo(200);

        List<String> listed = manager.get("/api/users")
                .json()
                .path("items")
                .valueStream()
                .map(user -> user.path("email").asString())
                .toList();
        assertThat(listed).containsExactly("till@corner.example");

        SiloClient.Response renamed =
                manager.patch("/api/users/" + cashier, Map.of("name", "Till Two", "status", "disabled"));
        assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);

        for (SiloClient.Response refused : List.of(
                manager.post(
                        "/api/users",
                        Map.of(
                                "email",
                                "boss@corner.example",
                                "name",
                                "B",
                                "password",
                                PASSWORD,
                                "services",
                                Map.of("pos", "manager"))),
                manager.post(
                        "/api/users",
                        Map.of(
                                "email",
                                "bill@corner.example",
                                "name",
                                "B",
                                "password",
                                PASSWORD,
                                "services",
                                Map.of("billing", "user"))),
                manager.post("/api/users", Map.of("email", "none@corner.example", "name", "B", "password", PASSWORD)),
                manager.post(
                        "/api/users",
                        Map.of(
                                "email",
                                "core@corner.example",
                                "name",
                                "B",
                                "password",
                                PASSWORD,
                                "services",
                                Map.of("pos", "cashier", "core", "admin"))),
                manager.patch("/api/users/" + cashier, Map.of("services", Map.of("pos", "manager"))),
                manager.patch("/api/users/" + cashier, Map.of("services", Map.of("billing", "user"))),
                manager.patch("/api/users/" + cashier, Map.of("services", Map.of("core", "admin"))))) {
            assertThat(refused.status()).as(refused.text()).isEqualTo(403);
            assertThat(refused.problemType()).isEqualTo("role-not-managed");
        }
        for (String outOfReach : List.of(accountant, mixed)) {
            assertThat(manager.get("/api/users/" + outOfReach).problemType()).isEqualTo("user-not-found");
            assertThat(manager.patch("/api/users/" + outOfReach, Map.of("name", "X"))
                            .problemType())
                    .isEqualTo("user-not-found");
            assertThat(manager.delete("/api/users/" + outOfReach).problemType()).isEqualTo("user-not-found");
        }

        SiloClient.Response takenBack =
                manager.patch("/api/users/" + cashier, Map.of("services", Collections.singletonMap("pos", null)));
        assertThat(takenBack.status()).as(takenBack.text()).isEqualTo(200);
        assertThat(manager.get("/api/users/" + cashier).problemType())
                .as("without a managed role the user is the administrators' again")
                .isEqualTo("user-not-found");
        JsonNode again = admin.patch("/api/users/" + cashier, Map.of("services", Map.of("pos", "cashier")))
                .json();
        assertThat(again.path("services").path("pos").asString()).isEqualTo("cashier");
        assertThat(manager.delete("/api/users/" + cashier).status()).isEqualTo(204);
        assertThat(admin.get("/api/users/" + cashier).problemType()).isEqualTo("user-not-found");
    }

    @Test
    void membersWhoseRolesManageNoOneAndDemotedManagersManageNothing(SiloClient anonymous) {
        TestTenant shop = TestTenants.create(anonymous, "Wine Corner", List.of("pos"));
        String managerId = TestTenants.addMember(shop, "manager@wine.example", Map.of("pos", "manager"))
                .path("id")
                .asString();
        TestTenants.addMember(shop, "cashier@wine.example", Map.of("pos", "cashier"));
        SiloClient cashier = TestTenants.signIn(anonymous, shop.slug(), "cashier@wine.example", PASSWORD);
        SiloClient manager = TestTenants.signIn(anonymous, shop.slug(), "manager@wine.example", PASSWORD);

        assertThat(cashier.get("/api/users").problemType()).isEqualTo("org-admin-required");
        assertThat(manager.get("/api/users").status()).isEqualTo(200);

        assertThat(shop.client()
                        .patch("/api/users/" + managerId, Map.of("services", Map.of("pos", "cashier")))
                        .status())
                .isEqualTo(200);
        SiloClient.Response demoted = manager.get("/api/users");
        assertThat(demoted.status()).as("the token predates the demotion").isIn(401, 403);
    }
}
