package io.silo.http.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.demo.DemoReport;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo on a deployment that holds other organizations adds only its own: an unrelated one keeps
 * its data, and one that holds a demo slug without being the demo's is left alone and reported.
 */
@SiloTest
class DemoAlongsideOtherOrganizationsTest {

    @Test
    void theDemoAddsOnlyItsMissingOrganizationsAndLeavesOthersAlone(TestSilo silo) {
        SiloClient anonymous = silo.client();
        TestTenants.TestTenant acme = TestTenants.create(anonymous, "Acme", List.of("billing"));
        assertThat(acme.client()
                        .post("/api/data/billing/billing_config", Map.of("key", "currency", "value", "EUR"))
                        .status())
                .isEqualTo(201);
        TestTenants.TestTenant salonTaken =
                TestTenants.create(anonymous, "Salon Somewhere Else", List.of("crm"), Map.of("slug", "salon"));

        DemoReport report = silo.silo().application().demo().load();

        assertThat(report.created())
                .containsAll(DemoTest.slugs(DemoTest.ERP.subList(0, 4)))
                .doesNotContain("salon", "acme");
        assertThat(report.leftAlone()).containsExactly("salon");
        assertThat(DemoTest.count(acme.client(), "billing", "billing_config"))
                .as("the other organization keeps its data")
                .isEqualTo(1);
        assertThat(TestTenants.signIn(anonymous, "salon", salonTaken.adminEmail(), TestTenants.PASSWORD)
                        .get("/api/health/tenant")
                        .status())
                .as("the organization holding the demo's slug is untouched")
                .isEqualTo(200);
        assertThat(anonymous
                        .post(
                                "/api/auth/login",
                                Map.of("organization", "salon", "email", "salon@example.com", "password", "salon123"))
                        .status())
                .isEqualTo(401);
        DemoTest.signIn(anonymous, DemoTest.ERP.get(0));

        DemoReport again = silo.silo().application().demo().load();
        assertThat(again.created()).isEmpty();
        assertThat(again.leftAlone()).containsExactly("salon");
    }
}
