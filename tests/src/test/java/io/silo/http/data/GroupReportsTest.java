package io.silo.http.data;

import static io.silo.http.data.DataPlaneTest.encode;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Reports over HTTP: "sales per day per cashier" is one {@code _group} request with several keys,
 * date buckets cut in the caller's time zone (a sale late on 1 March UTC is on 2 March in Berlin;
 * the weeks around the switches to and from summer time are those of the wall clock), exact sums,
 * and refusals for everything malformed, private or hidden. A {@code shop} service of the test's own
 * keeps a margin private, hides the cost from cashiers, and lets {@code soldAt} hold anything, as
 * old data does.
 */
class GroupReportsTest {
    private static final String SALES = "/api/data/shop/sales/_group";
    private static final String SHOP = """
            service: shop
            version: 1
            roles:
              cashier:
                read: [sales]
                rules:
                  sales: {hidden: [cost]}
              manager: {write: ["*"]}
            collections:
              sales:
                schema:
                  type: object
                  properties:
                    cashierId: {type: string}
                    total: {type: number}
                    margin: {type: number}
                    cost: {type: number}
                private: [margin]
            migrations:
              - version: 1
            """;

    @TempDir
    static Path services;

    private static TestSilo silo;
    private static TestTenant shop;

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(services.resolve("shop.yaml"), SHOP);
        silo = TestSilo.start(1, Map.of("SILO_SERVICES_DIR", services.toString()), SiloOptions.server());
        shop = TestTenants.create(silo.client(), "Reports Shop " + System.nanoTime(), List.of("shop"));
        sale("c1", "2026-03-01T10:00:00Z", "0.1");
        sale("c1", "2026-03-01T23:30:00Z", "0.2"); // 00:30 on 2 March in Berlin
        sale("c2", "2026-03-01T12:00:00+01:00", "5");
        sale("c2", "2026-03-29T22:30:00Z", "7.5"); // summer time began that night: Monday 00:30 in Berlin
        sale("c1", "2026-03-31T22:30:00Z", "0.3"); // 1 April in Berlin
        sale("c1", "2026-10-25T22:30:00Z", "1"); // winter time again: still Sunday, 23:30, in Berlin
        sale("c2", "2026-12-31T23:30:00Z", "100"); // 2027 in Berlin
        sale("c2", "2026-02-01", "2"); // a date: the same day in every zone
        sale("c2", "yesterday", "3");
        sale("c1", null, "4");
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void salesPerDayPerCashierInBerlinAreOneRequest() {
        String march = encode("{\"soldAt\":{\"$gte\":\"2026-03-01T00:00:00Z\",\"$lt\":\"2026-04-01T00:00:00Z\"}}");

        JsonNode berlin = group("by=cashierId,soldAt:day&metric=total&tz=Europe/Berlin&order=keys&filter=" + march);

        assertThat(berlin.path("groups").toString())
                .isEqualTo(
                        "[{\"key\":[\"c1\",\"2026-03-01\"],\"count\":1,\"sum\":0.1,\"avg\":0.1,\"min\":0.1,\"max\":0.1},"
                                + "{\"key\":[\"c1\",\"2026-03-02\"],\"count\":1,\"sum\":0.2,\"avg\":0.2,\"min\":0.2,\"max\":0.2},"
                                + "{\"key\":[\"c1\",\"2026-04-01\"],\"count\":1,\"sum\":0.3,\"avg\":0.3,\"min\":0.3,\"max\":0.3},"
                                + "{\"key\":[\"c2\",\"2026-03-01\"],\"count\":1,\"sum\":5,\"avg\":5,\"min\":5,\"max\":5},"
                                + "{\"key\":[\"c2\",\"2026-03-30\"],\"count\":1,\"sum\":7.5,\"avg\":7.5,\"min\":7.5,\"max\":7.5}]");
        assertThat(berlin.path("truncated").booleanValue()).isFalse();

        JsonNode utc = group("by=cashierId,soldAt:day&metric=total&order=keys&filter=" + march);
        assertThat(rows(utc))
                .as("UTC by default; 0.1 + 0.2 is 0.3 exactly")
                .containsExactly(
                        "[\"c1\",\"2026-03-01\"] 2 sum 0.3",
                        "[\"c1\",\"2026-03-31\"] 1 sum 0.3",
                        "[\"c2\",\"2026-03-01\"] 1 sum 5",
                        "[\"c2\",\"2026-03-29\"] 1 sum 7.5");
    }

    @Test
    void daysWeeksMonthsAndYearsAreThoseOfTheZoneSummerTimeIncluded() {
        String by = "by=soldAt:day,soldAt:week,soldAt:month,soldAt:year&order=keys";

        assertThat(rows(group(by + "&tz=Europe/Berlin")))
                .containsExactly(
                        "[null,null,null,null] 2",
                        "[\"2026-02-01\",\"2026-01-26\",\"2026-02-01\",\"2026-01-01\"] 1",
                        "[\"2026-03-01\",\"2026-02-23\",\"2026-03-01\",\"2026-01-01\"] 2",
                        "[\"2026-03-02\",\"2026-03-02\",\"2026-03-01\",\"2026-01-01\"] 1",
                        "[\"2026-03-30\",\"2026-03-30\",\"2026-03-01\",\"2026-01-01\"] 1",
                        "[\"2026-04-01\",\"2026-03-30\",\"2026-04-01\",\"2026-01-01\"] 1",
                        "[\"2026-10-25\",\"2026-10-19\",\"2026-10-01\",\"2026-01-01\"] 1",
                        "[\"2027-01-01\",\"2026-12-28\",\"2027-01-01\",\"2027-01-01\"] 1");
        assertThat(rows(group(by + "&tz=UTC")))
                .containsExactly(
                        "[null,null,null,null] 2",
                        "[\"2026-02-01\",\"2026-01-26\",\"2026-02-01\",\"2026-01-01\"] 1",
                        "[\"2026-03-01\",\"2026-02-23\",\"2026-03-01\",\"2026-01-01\"] 3",
                        "[\"2026-03-29\",\"2026-03-23\",\"2026-03-01\",\"2026-01-01\"] 1",
                        "[\"2026-03-31\",\"2026-03-30\",\"2026-03-01\",\"2026-01-01\"] 1",
                        "[\"2026-10-25\",\"2026-10-19\",\"2026-10-01\",\"2026-01-01\"] 1",
                        "[\"2026-12-31\",\"2026-12-28\",\"2026-12-01\",\"2026-01-01\"] 1");
        assertThat(rows(group("by=soldAt:month&tz=America/Los_Angeles")))
                .as("largest first by default, then by key")
                .containsExactly(
                        "\"2026-03-01\" 5", "null 2", "\"2026-02-01\" 1", "\"2026-10-01\" 1", "\"2026-12-01\" 1");
        assertThat(rows(group("by=_createdAt:year&tz=Pacific/Kiritimati")))
                .as("the meta timestamps have buckets too")
                .hasSize(1)
                .allMatch(row -> row.endsWith("-01-01\" 10"));
    }

    @Test
    void theSingleFieldFormAnswersAsItDidLargestFirst() {
        JsonNode result = group("by=cashierId&metric=total");

        assertThat(result.path("groups").toString())
                .isEqualTo("[{\"key\":\"c1\",\"count\":5,\"sum\":5.6,\"avg\":1.12,\"min\":0.1,\"max\":4},"
                        + "{\"key\":\"c2\",\"count\":5,\"sum\":117.5,\"avg\":23.5,\"min\":2,\"max\":100}]");
    }

    @Test
    void theLimitCutsTheGroupsInTheirOrder() {
        JsonNode result = group("by=cashierId,soldAt:month&tz=Europe/Berlin&order=keys&limit=2");

        assertThat(rows(result)).containsExactly("[\"c1\",null] 1", "[\"c1\",\"2026-03-01\"] 2");
        assertThat(result.path("truncated").booleanValue()).isTrue();
    }

    @Test
    void malformedGroupingsAreRefusedNamingWhatIsWrong() {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("by=soldAt:hour", "invalid-grouping");
        refused.put("by=soldAt:Day", "invalid-grouping");
        refused.put("by=soldAt:", "invalid-grouping");
        refused.put("by=soldAt:day:week", "invalid-grouping");
        refused.put("by=" + encode("soldAt:day; DROP TABLE sales"), "invalid-grouping");
        refused.put("by=cashierId,,soldAt:day", "invalid-grouping");
        refused.put("by=cashierId,cashierId", "invalid-grouping");
        refused.put("by=a,b,c,d,e,f,g,h,i", "invalid-grouping");
        refused.put("by=:day", "invalid-field");
        refused.put("by=" + encode("soldAt'::day"), "invalid-field");
        refused.put("by=_id:day", "invalid-field");
        refused.put("by=_createdAt", "invalid-field");
        refused.put("by=_secret:day", "unknown-field");
        refused.put("by=", "missing-field");
        refused.put("by=soldAt:day&order=-count", "invalid-grouping");
        refused.put("by=soldAt:day&order=" + encode("1; SELECT pg_sleep(1)"), "invalid-grouping");
        refused.put("by=soldAt:day&metric=" + encode("total,margin"), "invalid-field");
        refused.put("by=soldAt:day&limit=0", "invalid-limit");
        for (String zone : List.of(
                " ",
                "europe/berlin",
                "+02:00",
                "UTC+2",
                "CEST",
                "CET",
                "Mars/Olympus",
                "SystemV/EST5",
                "Europe/Berlin'; DROP TABLE sales; --",
                "../../etc/passwd")) {
            refused.put("by=soldAt:day&tz=" + encode(zone), "invalid-grouping");
        }
        for (Map.Entry<String, String> query : refused.entrySet()) {
            SiloClient.Response response = shop.client().get(SALES + "?" + query.getKey());
            assertThat(response.status()).as(query.getKey()).isEqualTo(400);
            assertThat(response.problemType()).as(query.getKey()).isEqualTo(query.getValue());
        }
        SiloClient.Response zone = shop.client().get(SALES + "?by=soldAt:day&tz=Mars/Olympus");
        assertThat(zone.json().path("field").asString()).isEqualTo("tz");
        assertThat(TestPostgres.primary()
                        .jdbc(shop.database("shop"))
                        .query("SELECT count(*) FROM sales", row -> row.getLong(1)))
                .containsExactly(10L);
    }

    @Test
    void privateFieldsAndFieldsHiddenFromTheRoleCannotBeGroupedOnOrAggregated() {
        TestTenants.addMember(shop, "till@reports.example", Map.of("shop", "cashier"));
        SiloClient cashier =
                TestTenants.signIn(silo.client(), shop.slug(), "till@reports.example", TestTenants.PASSWORD);
        assertThat(cashier.get(SALES + "?by=cashierId,soldAt:week&tz=Europe/Berlin")
                        .status())
                .isEqualTo(200);
        assertThat(group("by=cashierId&metric=cost")
                        .path("groups")
                        .get(0)
                        .path("sum")
                        .asString())
                .as("the manager sees cost")
                .isEqualTo("2.5");

        Map<SiloClient, List<String>> refused =
                Map.of(shop.client(), List.of("margin"), cashier, List.of("margin", "cost"));
        for (Map.Entry<SiloClient, List<String>> caller : refused.entrySet()) {
            for (String field : caller.getValue()) {
                for (String query : List.of(
                        "by=" + field,
                        "by=" + field + ":day",
                        "by=cashierId," + field,
                        "by=cashierId&metric=" + field,
                        "by=cashierId&filter=" + encode("{\"" + field + "\":{\"$gt\":0}}"))) {
                    SiloClient.Response response = caller.getKey().get(SALES + "?" + query);
                    assertThat(response.status()).as(query).isEqualTo(400);
                    assertThat(response.problemType()).as(query).isEqualTo("unknown-field");
                    assertThat(response.text()).as(query).doesNotContain("\"sum\"");
                }
            }
        }
    }

    private static void sale(String cashier, String soldAt, String total) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cashierId", cashier);
        body.put("total", new BigDecimal(total));
        body.put("margin", new BigDecimal("0.25"));
        body.put("cost", new BigDecimal("0.5"));
        if (soldAt != null) {
            body.put("soldAt", soldAt);
        }
        SiloClient.Response created = shop.client().post("/api/data/shop/sales", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    private static JsonNode group(String query) {
        SiloClient.Response response = shop.client().get(SALES + "?" + query);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    /** Each group as {@code key count}, and {@code sum s} when there is one. */
    private static List<String> rows(JsonNode result) {
        List<String> rows = new ArrayList<>();
        for (JsonNode group : result.path("groups")) {
            rows.add(group.path("key") + " " + group.path("count").asLong()
                    + (group.has("sum") ? " sum " + group.path("sum") : ""));
        }
        return rows;
    }
}
