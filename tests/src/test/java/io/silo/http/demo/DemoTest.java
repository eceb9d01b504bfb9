package io.silo.http.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.demo.DemoAccount;
import io.silo.app.demo.DemoReport;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code silo serve --demo}: the seeds' demo accounts sign in with the seeds' own (short) passwords,
 * their organizations hold the seeds' database names and a few documents, and a second start on the
 * same data adds nothing.
 */
@SiloTest
class DemoTest {
    /** The seeds' account tables: slug, login, password, and the service whose database is checked by name. */
    record SeedAccount(String slug, String login, String password, String service, String database) {}

    /** Seed 003's "Pre-configured Demo Accounts", row by row. */
    static final List<SeedAccount> ERP = List.of(
            new SeedAccount("techland", "computershop@example.com", "computershop123", "erp", "computer_techland_db"),
            new SeedAccount("globaltrade", "cnf@example.com", "cnf123", "erp", "cnf_globaltrade_db"),
            new SeedAccount("mobile", "mobile@example.com", "mobile123", "erp", "mobile_shop_db"),
            new SeedAccount("pharmacy", "pharmacy@example.com", "pharmacy123", "erp", "pharmacy_healthcare_db"),
            new SeedAccount("salon", "salon@example.com", "salon123", "erp", "salon_elite_db"));

    /** Seed 000's TechCorp Solutions: its administrator, and its manager in billing and CRM only. */
    static final List<SeedAccount> TECHCORP = List.of(
            new SeedAccount(
                    "org_techcorp_001", "admin@techcorp.com", "secure123", "billing", "billing_techcorp_solutions"),
            new SeedAccount("org_techcorp_001", "manager@techcorp.com", "manager123", "crm", "crm_techcorp_solutions"));

    @Test
    void theDemoLoadsOnceAndEverySeedAccountSignsInWithItsOwnPassword(TestSilo silo) {
        DemoReport first = silo.silo().application().demo().load();
        // the other tests of this class may have loaded it first: this one counts both loads as its own
        assertThat(java.util.stream.Stream.concat(first.created().stream(), first.present().stream()))
                .containsAll(slugs(ERP))
                .contains("techcorp-solutions", "green-bottle-liquor", "green-valley-school");
        Map<String, Long> documentsAfterFirst = documentCounts(silo.client());

        silo.restart();
        DemoReport second = silo.silo().application().demo().load();

        assertThat(second.created()).as("a second start creates nothing").isEmpty();
        assertThat(second.present())
                .containsAll(first.created())
                .containsAll(first.present())
                .hasSize(8);
        assertThat(documentCounts(silo.client())).as("nor writes anything").isEqualTo(documentsAfterFirst);
        for (SeedAccount account : ERP) {
            assertThat(databaseName(silo.client(), account)).as(account.slug()).isEqualTo(account.database());
            SiloClient member = signIn(silo.client(), account);
            assertThat(member.get("/api/data/erp/products").json().path("items").size())
                    .as("products of " + account.slug())
                    .isGreaterThanOrEqualTo(4);
            assertThat(count(member, "erp", "sales"))
                    .as("sales of " + account.slug())
                    .isGreaterThanOrEqualTo(2);
            assertThat(count(member, "erp", "customers")).isGreaterThanOrEqualTo(2);
            assertThat(count(member, "erp", "branches")).isGreaterThanOrEqualTo(1);
            assertThat(member.get("/api/data/erp/settings")
                            .json()
                            .path("items")
                            .get(0)
                            .path("business_name")
                            .asString())
                    .isNotBlank();
        }
        for (DemoAccount account : second.accounts()) {
            signIn(silo.client(), new SeedAccount(account.organization(), account.login(), account.password(), "", ""));
        }
        assertThat(silo.client()
                        .post("/api/auth/login", Map.of("email", "cnf@example.com", "password", "cnf123"))
                        .status())
                .as("the ERP seed signs in by email alone")
                .isEqualTo(200);
    }

    @Test
    void techCorpHasItsExternalIdItsServicesAndMembersInChosenServices(TestSilo silo) {
        silo.silo().application().demo().load();
        for (SeedAccount account : TECHCORP) {
            assertThat(databaseName(silo.client(), account)).isEqualTo(account.database());
        }
        SiloClient.Response manager = silo.client()
                .post(
                        "/api/auth/login",
                        Map.of(
                                "organization",
                                "org_techcorp_001",
                                "email",
                                "manager@techcorp.com",
                                "password",
                                "manager123"));
        assertThat(manager.status()).as(manager.text()).isEqualTo(200);
        assertThat(manager.json().path("services").toString())
                .as("the seed's manager is in billing and CRM, not pingora")
                .contains("billing", "crm")
                .doesNotContain("pingora");
        SiloClient admin = signIn(silo.client(), TECHCORP.get(0));
        assertThat(count(admin, "billing", "invoices")).isGreaterThanOrEqualTo(3);
        assertThat(count(admin, "crm", "deals")).isGreaterThanOrEqualTo(2);
        assertThat(count(admin, "pingora", "tasks")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void theLiquorStoreHasAMonthOfSalesWhoseStockMovementsMatchTheStock(TestSilo silo) {
        silo.silo().application().demo().load();
        SiloClient manager = signIn(
                silo.client(),
                new SeedAccount("green-bottle-liquor", "manager@greenbottle.example.com", "manager123", "", ""));
        long sales = count(manager, "pos", "sales");
        assertThat(sales).isEqualTo(120);
        JsonNode products =
                manager.get("/api/data/pos/products?limit=100").json().path("items");
        assertThat(products.size()).isEqualTo(8);
        JsonNode moved = manager.get("/api/data/pos/inventory_transactions/_group?by=productId&metric=quantity")
                .json()
                .path("groups");
        Map<String, Long> movedByProduct = new LinkedHashMap<>();
        moved.forEach(group -> movedByProduct.put(
                group.path("key").asString(), group.path("sum").asLong()));
        for (JsonNode product : products) {
            assertThat(movedByProduct.get(product.path("_id").asString()))
                    .as("the stock of " + product.path("name").asString() + " is what its movements add up to: "
                            + moved)
                    .isEqualTo(product.path("stock").asLong());
        }
        // the load analyses what it wrote: a table of 120 rows never reaches autovacuum's threshold,
        // and its estimate said 0 (regression)
        Map<String, Long> estimates = new LinkedHashMap<>();
        manager.get("/api/health/tenant/collections").json().path("databases").forEach(database -> {
            if (database.path("service").asString().equals("pos")) {
                database.path("collections")
                        .forEach(collection -> estimates.put(
                                collection.path("name").asString(),
                                collection.path("estimatedDocuments").asLong()));
            }
        });
        assertThat(estimates).containsEntry("sales", sales).containsEntry("products", 8L);
        SiloClient cashier = signIn(
                silo.client(),
                new SeedAccount("green-bottle-liquor", "cashier1@greenbottle.example.com", "cashier123", "", ""));
        assertThat(count(cashier, "pos", "sales"))
                .as("a cashier sees their own sales")
                .isBetween(1L, sales - 1);
    }

    @Test
    void theSchoolHasClassesATimetableAssignmentsSubmissionsAndMessages(TestSilo silo) {
        silo.silo().application().demo().load();
        SiloClient principal =
                signIn(silo.client(), new SeedAccount("green-valley-school", "principal", "principal123", "", ""));
        assertThat(count(principal, "school", "classes")).isEqualTo(2);
        assertThat(count(principal, "school", "schedules")).isEqualTo(5);
        assertThat(count(principal, "school", "assignments")).isEqualTo(3);
        assertThat(count(principal, "school", "submissions")).isEqualTo(2);
        JsonNode graded = principal
                .get("/api/data/school/submissions?filter=%7B%22status%22%3A%22graded%22%7D")
                .json()
                .path("items");
        assertThat(graded).as("the teacher graded one submission").hasSize(1);
        assertThat(graded.get(0).path("grade").asInt()).isEqualTo(17);
        SiloClient.Response byUsernameAlone =
                silo.client().post("/api/auth/login", Map.of("username", "emma.w", "password", "student123"));
        assertThat(byUsernameAlone.status()).as(byUsernameAlone.text()).isEqualTo(200);
        SiloClient emma =
                silo.client().as(byUsernameAlone.json().path("accessToken").asString());
        assertThat(count(emma, "school", "messages")).as("her own conversation").isEqualTo(2);
        assertThat(count(emma, "school", "submissions"))
                .as("her own submission")
                .isEqualTo(1);
    }

    static List<String> slugs(List<SeedAccount> accounts) {
        return accounts.stream().map(SeedAccount::slug).distinct().toList();
    }

    static SiloClient signIn(SiloClient anonymous, SeedAccount account) {
        String kind = account.login().contains("@") ? "email" : "username";
        SiloClient.Response answer = anonymous.post(
                "/api/auth/login",
                Map.of("organization", account.slug(), kind, account.login(), "password", account.password()));
        assertThat(answer.status()).as(account + ": " + answer.text()).isEqualTo(200);
        return anonymous.as(answer.json().path("accessToken").asString());
    }

    static long count(SiloClient member, String service, String collection) {
        SiloClient.Response answer = member.get("/api/data/" + service + "/" + collection + "/_count");
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json().path("count").asLong();
    }

    static String databaseName(SiloClient anonymous, SeedAccount account) {
        JsonNode organization =
                anonymous.asAdmin().get("/api/organizations/" + account.slug()).json();
        for (JsonNode database : organization.path("databases")) {
            if (database.path("service").asString().equals(account.service())) {
                return database.path("name").asString();
            }
        }
        throw new AssertionError("no " + account.service() + " database in " + organization);
    }

    /** Every organization's estimated documents per collection, as its databases report them to the platform. */
    static Map<String, Long> documentCounts(SiloClient anonymous) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (SeedAccount account : ERP) {
            SiloClient member = signIn(anonymous, account);
            for (String collection : List.of("settings", "branches", "products", "customers", "sales")) {
                counts.put(account.slug() + "." + collection, count(member, "erp", collection));
            }
        }
        counts.put("organizations", (long) anonymous
                .asAdmin()
                .get("/api/organizations?limit=100")
                .json()
                .path("items")
                .size());
        return counts;
    }
}
