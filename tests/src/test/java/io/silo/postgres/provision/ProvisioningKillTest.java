package io.silo.postgres.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import io.silo.testing.ChildSilo;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A real SIGKILL of a Silo process in the middle of provisioning; another process finishes the job. */
class ProvisioningKillTest {

    @Test
    void provisioningSurvivesKillDashNine() {
        TestPostgres.primary().reset();
        Map<String, String> env = TestSilo.env(Map.of("SILO_JOBS_LEASE", "1s"));
        try (ChildSilo child = ChildSilo.pausingBefore("database:crm", env)) {
            SiloClient client = child.client().asAdmin();
            Thread.ofVirtual()
                    .start(() -> client.post(
                            "/api/organizations",
                            Map.of(
                                    "name",
                                    "Killed Midway",
                                    "services",
                                    List.of("billing", "crm"),
                                    "admin",
                                    Map.of("email", "boss@killed.example", "password", "correct horse battery"))));

            child.awaitPaused("database:crm");
            child.kill();
        }

        SiloConfig config = SiloConfig.from(ConfigSource.ofEnv(env));
        try (TestSilo survivor = TestSilo.resume(config, SiloOptions.server())) {
            SiloClient admin = survivor.client().asAdmin();
            JsonNode tenant = Eventually.get(
                    Duration.ofSeconds(30),
                    () -> admin.get("/api/organizations/killed-midway").json(),
                    body -> "active".equals(body.path("status").asString()));
            assertThat(tenant.path("databases").findValuesAsString("state")).containsOnly("ready");
            assertThat(ProvisioningCrashTest.tenantDatabasesOnServer())
                    .containsExactlyInAnyOrderElementsOf(
                            tenant.path("databases").findValuesAsString("name"));
        }
    }
}
