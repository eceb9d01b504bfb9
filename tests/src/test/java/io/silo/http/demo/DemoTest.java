package io.silo.http.demo;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void theDemoLoadsOnceAndEverySeedAccountSignsInWithItsOwnPassword(TestSilo silo) {
        DemoReport first = silo.silo().application().demo().load();
        assertThat(first.created()).containsAll(slugs(ERP));
        Map<String, Long> documentsAfterFirst = documentCounts(silo.client());

        silo.restart();
        DemoReport second = silo.silo().application().demo().load();

        assertThat(second.created()).as("a second start creates nothing").isEmpty();
        assertThat(second.present()).containsExactlyElementsOf(first.created());
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
        assertThat(silo.client()
                        .post("/api/auth/login", Map.of("email", "cnf@example.com", "password", "cnf123"))
                        .status())
                .as("the ERP seed signs in by email alone")
                .isEqualTo(200);
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
