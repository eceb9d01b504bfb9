package io.silo.postgres.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.app.SiloOptions;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestClock;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * A process that dies before a step of adding a service, or of dropping a removed one, leaves a
 * job that the next instance finishes: the added database ends ready with the administrators'
 * role in it, the dropped one gone with its record and every role in it. The crash is the
 * {@link ProvisioningCrashTest.SimulatedCrash} a step observer throws, which the runner does not
 * record, like a killed process.
 */
class ServiceJobsCrashTest {
    private static final Map<String, String> ENV = Map.of("SILO_JOBS_LEASE", "1s", "SILO_SERVICES_REMOVAL_GRACE", "1h");

    @ParameterizedTest
    @ValueSource(strings = {"database", "admins"})
    void addingAServiceResumesAfterACrashBeforeAStep(String step) {
        try (TestSilo silo = TestSilo.start(
                1,
                ENV,
                SiloOptions.server().withStepObserver(ProvisioningCrashTest.crashOnceBefore(ServiceJobs.ADD, step)))) {
            TestTenant tenant = TestTenants.create(silo.client(), "Crash Adds", List.of("crm"));
            SiloClient admin = silo.client().asAdmin();
            assertThat(admin.post("/api/organizations/" + tenant.slug() + "/services", Map.of("service", "billing"))
                            .status())
                    .isEqualTo(500);

            silo.restart(SiloOptions.server());
            SiloClient fresh = silo.client().asAdmin();
            JsonNode billing = Eventually.get(
                    Duration.ofSeconds(30),
                    () -> database(
                            fresh.get("/api/organizations/" + tenant.slug()).json(), "billing"),
                    found -> "ready".equals(found.path("state").asString()));

            assertThat(databaseExists(billing.path("name").asString())).isTrue();
            Eventually.get(
                    Duration.ofSeconds(30), () -> roles(tenant.database("core"), "billing"), count -> count == 1L);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"drop", "roles", "forget"})
    void droppingARemovedServiceResumesAfterACrashBeforeAStep(String step) {
        TestClock clock = new TestClock();
        try (TestSilo silo = TestSilo.start(
                1,
                ENV,
                SiloOptions.server()
                        .withClock(clock)
                        .withStepObserver(ProvisioningCrashTest.crashOnceBefore(ServiceJobs.DROP, step)))) {
            TestTenant tenant = TestTenants.create(silo.client(), "Crash Drops", List.of("billing"));
            String billing = tenant.database("billing");
            assertThat(silo.client()
                            .asAdmin()
                            .delete("/api/organizations/" + tenant.slug() + "/services/billing?confirm="
                                    + tenant.slug())
                            .status())
                    .isEqualTo(200);
            clock.advance(Duration.ofHours(2));

            assertThatThrownBy(() ->
                            silo.silo().application().organizationServices().dropExpired())
                    .isInstanceOf(ProvisioningCrashTest.SimulatedCrash.class);

            silo.restart(SiloOptions.server().withClock(clock));
            SiloClient fresh = silo.client().asAdmin();
            Eventually.get(
                    Duration.ofSeconds(30),
                    () -> fresh.get("/api/organizations/" + tenant.slug())
                            .json()
                            .path("databases")
                            .findValuesAsString("service"),
                    services -> !services.contains("billing"));
            assertThat(databaseExists(billing)).isFalse();
            assertThat(roles(tenant.database("core"), "billing")).isZero();
        }
    }

    private static JsonNode database(JsonNode organization, String service) {
        for (JsonNode database : organization.path("databases")) {
            if (database.path("service").asString().equals(service)) {
                return database;
            }
        }
        return organization.path("no such database");
    }

    private static boolean databaseExists(String database) {
        return TestPostgres.primary()
                .admin()
                .queryOne("SELECT 1 FROM pg_database WHERE datname = ?", row -> 1, database)
                .isPresent();
    }

    private static long roles(String coreDatabase, String service) {
        return TestPostgres.primary()
                .jdbc(coreDatabase)
                .queryOne("SELECT count(*) FROM memberships WHERE service = ?", row -> row.getLong(1), service)
                .orElseThrow();
    }
}
