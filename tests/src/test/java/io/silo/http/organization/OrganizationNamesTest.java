package io.silo.http.organization;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestTenants;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What a platform administrator names for an organization beyond its slug: the database of a
 * service ({@code mobile_shop_db}, checked against every database Silo knows and every database on
 * the cluster, never adopted), and an external id ({@code org_techcorp_001}) that names the
 * organization wherever its slug does and never equals any slug.
 */
@SiloTest
class OrganizationNamesTest {

    @Test
    void aChosenDatabaseNameIsCreatedAsIsAndNeverGivenTwice(SiloClient anonymous) {
        SiloClient platformAdmin = anonymous.asAdmin();
        SiloClient.Response created = create(
                platformAdmin,
                "mobile",
                Map.of("businessType", "mobile", "databases", Map.of("erp", "mobile_shop_db")));

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(database(created.json(), "erp")).isEqualTo("mobile_shop_db");
        assertThat(database(created.json(), "core"))
                .as("the others keep their pattern")
                .isEqualTo("core_mobile");
        assertThat(TestPostgres.primary()
                        .admin()
                        .queryOne("SELECT 1 FROM pg_database WHERE datname = 'mobile_shop_db'", row -> 1))
                .isPresent();
        SiloClient shop = TestTenants.signIn(anonymous, "mobile", "admin@mobile.example", TestTenants.PASSWORD);
        assertThat(shop.post("/api/data/erp/branches", Map.of("name", "main")).status())
                .isEqualTo(201);

        SiloClient.Response again =
                create(platformAdmin, "mobile-two", Map.of("databases", Map.of("core", "mobile_shop_db")));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.problemType()).isEqualTo("database-name-taken");
        assertThat(again.json().path("field").asString()).isEqualTo("databases.core");
        assertThat(platformAdmin.get("/api/organizations/mobile-two").problemType())
                .as("nothing was created")
                .isEqualTo("organization-not-found");
    }

    @Test
    void aDatabaseThatSiloDidNotCreateIsNeverAdopted(SiloClient anonymous) {
        TestPostgres.primary().admin().useHandle(handle -> handle.execute("CREATE DATABASE outsider_db"));
        TestPostgres.primary().jdbc("outsider_db").update("CREATE TABLE precious AS SELECT 1 AS kept");

        SiloClient.Response refused =
                create(anonymous.asAdmin(), "outsider", Map.of("databases", Map.of("crm", "outsider_db")));

        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.problemType()).isEqualTo("database-name-taken");
        assertThat(TestPostgres.primary()
                        .jdbc("outsider_db")
                        .queryOne("SELECT kept FROM precious", row -> row.getInt(1)))
                .contains(1);
    }

    @Test
    void chosenDatabaseNamesFollowPostgresIdentifierRulesAndSparePostgresAndSilo(SiloClient anonymous) {
        SiloClient platformAdmin = anonymous.asAdmin();
        for (String wrong : List.of("Mobile_db", "1shop", "shop-db", "shop db", "", "x".repeat(64), "café")) {
            SiloClient.Response refused = create(platformAdmin, "badname", Map.of("databases", Map.of("crm", wrong)));
            assertThat(refused.problemType()).as(wrong).isEqualTo("invalid-database-name");
            assertThat(refused.json().path("field").asString()).isEqualTo("databases.crm");
        }
        for (String reserved : List.of("postgres", "template1", "silo", "silo_anything")) {
            assertThat(create(platformAdmin, "badname", Map.of("databases", Map.of("crm", reserved)))
                            .problemType())
                    .as(reserved)
                    .isEqualTo("database-name-reserved");
        }
        assertThat(create(platformAdmin, "badname", Map.of("databases", Map.of("billing", "its_billing")))
                        .problemType())
                .as("a service the organization does not get")
                .isEqualTo("invalid-database-name");
        assertThat(create(platformAdmin, "badname", Map.of("databases", Map.of("crm", "same_db", "core", "same_db")))
                        .problemType())
                .as("two of its services")
                .isEqualTo("database-name-taken");
    }

    @Test
    void anExternalIdNamesTheOrganizationWhereverItsSlugDoes(SiloClient anonymous) {
        SiloClient platformAdmin = anonymous.asAdmin();
        SiloClient.Response created = create(platformAdmin, "techcorp", Map.of("externalId", "org_techcorp_001"));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().path("externalId").asString()).isEqualTo("org_techcorp_001");
        String id = created.json().path("id").asString();

        assertThat(platformAdmin
                        .get("/api/organizations/org_techcorp_001")
                        .json()
                        .path("id")
                        .asString())
                .isEqualTo(id);
        assertThat(platformAdmin
                        .get("/api/admin/jobs?organization=org_techcorp_001")
                        .status())
                .isEqualTo(200);
        assertThat(platformAdmin
                        .get("/api/organizations?q=techcorp_0")
                        .json()
                        .path("items")
                        .size())
                .isEqualTo(1);
        SiloClient.Response login = anonymous.post(
                "/api/auth/login",
                Map.of(
                        "organization",
                        "org_techcorp_001",
                        "email",
                        "admin@techcorp.example",
                        "password",
                        TestTenants.PASSWORD));
        assertThat(login.status()).as(login.text()).isEqualTo(200);

        String objectId = "656f1c2a9b1e8a0012345678";
        SiloClient.Response patched = platformAdmin.patch("/api/organizations/" + id, Map.of("externalId", objectId));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        assertThat(platformAdmin.get("/api/organizations/" + objectId).status()).isEqualTo(200);
        assertThat(platformAdmin.get("/api/organizations/org_techcorp_001").problemType())
                .as("the old one names nothing now")
                .isEqualTo("organization-not-found");

        Map<String, Object> cleared = new HashMap<>();
        cleared.put("externalId", null);
        assertThat(platformAdmin
                        .patch("/api/organizations/techcorp", cleared)
                        .json()
                        .path("externalId")
                        .isNull())
                .isTrue();
    }

    @Test
    void externalIdsAreUniqueAndNeverAnyOrganizationsSlug(SiloClient anonymous) {
        SiloClient platformAdmin = anonymous.asAdmin();
        assertThat(create(platformAdmin, "first", Map.of("externalId", "ext-1")).status())
                .isEqualTo(201);
        assertThat(create(platformAdmin, "second", Map.of()).status()).isEqualTo(201);

        SiloClient.Response sameId = create(platformAdmin, "third", Map.of("externalId", "ext-1"));
        assertThat(sameId.status()).isEqualTo(409);
        assertThat(sameId.problemType()).isEqualTo("external-id-taken");
        assertThat(create(platformAdmin, "third", Map.of("externalId", "second"))
                        .problemType())
                .as("another organization's slug")
                .isEqualTo("external-id-taken");
        assertThat(create(platformAdmin, "fourth", Map.of("externalId", "fourth"))
                        .problemType())
                .as("its own slug")
                .isEqualTo("external-id-taken");
        assertThat(create(platformAdmin, "ext-1", Map.of()).problemType())
                .as("a slug that is an external id")
                .isEqualTo("slug-taken");
        assertThat(platformAdmin
                        .patch("/api/organizations/second", Map.of("externalId", "ext-1"))
                        .problemType())
                .isEqualTo("external-id-taken");
        assertThat(platformAdmin
                        .patch("/api/organizations/second", Map.of("externalId", "first"))
                        .problemType())
                .isEqualTo("external-id-taken");
        for (String wrong : List.of("has space", "-leading", "0193a5f0-0000-7000-8000-000000000000", "x".repeat(101))) {
            assertThat(platformAdmin
                            .patch("/api/organizations/second", Map.of("externalId", wrong))
                            .problemType())
                    .as(wrong)
                    .isEqualTo("invalid-external-id");
        }
        assertThat(platformAdmin
                        .get("/api/organizations/ext-1")
                        .json()
                        .path("slug")
                        .asString())
                .isEqualTo("first");
    }

    private static SiloClient.Response create(SiloClient platformAdmin, String slug, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of(
                "name",
                "Org " + slug,
                "slug",
                slug,
                "services",
                List.of(extra.containsKey("businessType") ? "erp" : "crm"),
                "admin",
                Map.of("email", "admin@" + slug + ".example", "name", "Admin", "password", TestTenants.PASSWORD)));
        body.putAll(extra);
        return platformAdmin.post("/api/organizations", body);
    }

    private static String database(JsonNode organization, String service) {
        for (JsonNode database : organization.path("databases")) {
            if (database.path("service").asString().equals(service)) {
                return database.path("name").asString();
            }
        }
        throw new AssertionError("no " + service + " database in " + organization);
    }
}
