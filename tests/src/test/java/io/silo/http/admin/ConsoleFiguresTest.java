package io.silo.http.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The figures of the admin console's overview: the request history and the storage sizes. */
@SiloTest
class ConsoleFiguresTest {
    private final SiloClient admin;

    ConsoleFiguresTest(SiloClient client) {
        this.admin = client.asAdmin();
    }

    @Test
    void theHistoryCountsThisInstancesRequestsAndErrorsOfTheCurrentMinute() {
        long before = current().path("requests").asLong();
        admin.get("/api/admin/clusters");
        admin.get("/api/no-such-route");
        JsonNode minutes = admin.get("/api/admin/metrics/history").json().path("minutes");

        assertThat(minutes.size()).isEqualTo(60);
        JsonNode now = minutes.get(59);
        // the three requests above, and perhaps others of this class running meanwhile
        assertThat(now.path("requests").asLong() - before).isGreaterThanOrEqualTo(3);
        assertThat(now.path("clientErrors").asLong()).isGreaterThanOrEqualTo(1);
    }

    private JsonNode current() {
        return admin.get("/api/admin/metrics/history").json().path("minutes").get(59);
    }

    @Test
    void organizationsAreListedByTheClusterAndTheServiceOfTheirDatabases() {
        TestTenant billing = TestTenants.create(admin, "Listed Billing", List.of("billing"));
        TestTenant crm = TestTenants.create(admin, "Listed Crm", List.of("crm"));

        assertThat(slugs("?service=crm&q=listed")).containsExactly(crm.slug());
        assertThat(slugs("?service=billing&q=listed")).containsExactly(billing.slug());
        assertThat(slugs("?service=core&q=listed")).containsExactly(billing.slug(), crm.slug());
        assertThat(slugs("?cluster=primary&q=listed")).containsExactly(billing.slug(), crm.slug());
        assertThat(slugs("?cluster=nowhere&q=listed")).isEmpty();
        assertThat(slugs("?service="
                        + java.net.URLEncoder.encode("crm' OR 1=1 --", java.nio.charset.StandardCharsets.UTF_8)))
                .isEmpty();
        // paged as before: the filters hold on every page
        JsonNode first =
                admin.get("/api/organizations?cluster=primary&q=listed&limit=1").json();
        assertThat(first.path("items").get(0).path("slug").asString()).isEqualTo(billing.slug());
        JsonNode second = admin.get("/api/organizations?cluster=primary&q=listed&limit=1&cursor="
                        + first.path("nextCursor").asString())
                .json();
        assertThat(second.path("items").get(0).path("slug").asString()).isEqualTo(crm.slug());
    }

    private List<String> slugs(String query) {
        SiloClient.Response page = admin.get("/api/organizations" + query);
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        return StreamSupport.stream(page.json().path("items").spliterator(), false)
                .map(item -> item.path("slug").asString())
                .toList();
    }

    @Test
    void storageListsEachOrganizationsDatabasesWithTheirSizesLargestFirst() {
        TestTenant small = TestTenants.create(admin, "Figures Small", List.of("billing"));
        TestTenant large = TestTenants.create(admin, "Figures Large", List.of("billing", "crm"));

        JsonNode body = admin.get("/api/admin/storage?limit=500").json();
        List<JsonNode> organizations = StreamSupport.stream(
                        body.path("organizations").spliterator(), false)
                .toList();
        List<Long> sizes =
                organizations.stream().map(o -> o.path("bytes").asLong()).toList();
        assertThat(sizes).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        JsonNode largeOne = admin.get("/api/admin/storage?organization=" + large.slug())
                .json()
                .path("organizations");
        assertThat(largeOne.size()).isEqualTo(1);
        assertThat(largeOne.get(0).path("databases").size()).isEqualTo(3); // core, billing, crm
        long sum = 0;
        for (JsonNode database : largeOne.get(0).path("databases")) {
            assertThat(database.path("bytes").asLong()).as(database.toString()).isPositive();
            sum += database.path("bytes").asLong();
        }
        assertThat(largeOne.get(0).path("bytes").asLong()).isEqualTo(sum);
        assertThat(organizations.stream().map(o -> o.path("slug").asString())).contains(small.slug(), large.slug());
    }
}
