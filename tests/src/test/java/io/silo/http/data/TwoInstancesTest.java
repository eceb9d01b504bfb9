package io.silo.http.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two Silo instances behind one load balancer share a control database and stay coherent through LISTEN/NOTIFY. */
class TwoInstancesTest {

    @Test
    void aSuspensionThroughOneInstanceStopsRequestsOnTheOther() {
        try (TestSilo first = TestSilo.start(1, Map.of());
                TestSilo second = TestSilo.resume(first.config(), SiloOptions.server())) {
            TestTenant tenant = TestTenants.create(first.client(), "Coherent Co", List.of("crm"));
            SiloClient onSecond = second.client()
                    .as(tenant.client()
                            .login(
                                    "/api/auth/login",
                                    Map.of(
                                            "organization",
                                            tenant.slug(),
                                            "email",
                                            tenant.adminEmail(),
                                            "password",
                                            TestTenants.PASSWORD)));
            assertThat(onSecond.get("/api/data/crm/contacts").status())
                    .as("the second instance caches the placement")
                    .isEqualTo(200);

            first.client()
                    .asAdmin()
                    .post("/api/organizations/" + tenant.slug() + "/suspend", Map.of("reason", "coherence"));

            SiloClient.Response refused = Eventually.get(
                    Duration.ofSeconds(5),
                    () -> onSecond.get("/api/data/crm/contacts"),
                    response -> response.status() == 403);
            assertThat(refused.problemType()).isEqualTo("organization-suspended");

            first.client().asAdmin().post("/api/organizations/" + tenant.slug() + "/activate", "");
            Eventually.get(
                    Duration.ofSeconds(5),
                    () -> onSecond.get("/api/data/crm/contacts").status(),
                    status -> status == 200);
        }
    }
}
