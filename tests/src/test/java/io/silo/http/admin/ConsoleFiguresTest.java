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
