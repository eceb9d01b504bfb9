package io.silo.postgres.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.control.ControlDatabase;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.TenantStatus;
import io.silo.testing.Eventually;
import io.silo.testing.FaultProxy;
import io.silo.testing.TestPostgres;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Placements read from the control database, cached, and kept coherent across two Silo instances
 * (two caches, two listeners) on one control database by LISTEN/NOTIFY.
 */
class PlacementTest {
    private static final TestPostgres SERVER = TestPostgres.primary();

    private ControlPlane plane;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void createControlDatabase() {
        plane = ControlPlane.create(SERVER, "primary");
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable resource : closing.reversed()) {
            resource.close();
        }
        plane.close();
    }

    @Test
    void tenantIsFoundByIdOrSlugWithItsDatabasesAndOpenedPassword() {
        UUID id = plane.tenant("acme", "acme_role", "s3cret-password");
        plane.database(id, "core", "primary", "core_acme");
        plane.database(id, "billing", "primary", "billing_acme");
        PlacementCache cache = new PlacementCache(plane.jdbc(), plane.secrets());

        Placement placement = cache.find("acme").orElseThrow();

        assertThat(placement.tenantId()).isEqualTo(id);
        assertThat(placement.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(placement.businessType()).contains("retail");
        assertThat(placement.role()).isEqualTo("acme_role");
        assertThat(placement.password()).isEqualTo("s3cret-password");
        assertThat(placement.databases()).containsOnlyKeys("core", "billing");
        assertThat(placement.database("billing")).hasValueSatisfying(database -> {
            assertThat(database.clusterId()).isEqualTo("primary");
            assertThat(database.database()).isEqualTo("billing_acme");
            assertThat(database.state()).isEqualTo(DatabaseState.READY);
            assertThat(database.schemaVersion()).isEqualTo(3);
        });
        assertThat(cache.find(id.toString())).contains(placement);
        assertThat(cache.find(id)).contains(placement);
        assertThat(placement.toString()).doesNotContain("s3cret-password");
        assertThat(cache.find("globex")).isEmpty();
        assertThat(cache.find(UUID.randomUUID())).isEmpty();
    }

    @Test
    void aStatusChangeIsSeenByEveryInstance() {
        UUID id = plane.tenant("initech", "initech_role", "password-1");
        plane.database(id, "core", "primary", "core_initech");
        Instance first = instance();
        Instance second = instance();
        assertThat(first.cache.find("initech").orElseThrow().isActive()).isTrue();
        assertThat(second.cache.find("initech").orElseThrow().isActive()).isTrue();

        plane.updateSilently("UPDATE tenants SET business_type = 'unannounced' WHERE id = ?", id);
        assertThat(first.cache.find("initech").orElseThrow().businessType())
                .as("served from the cache")
                .contains("retail");

        plane.superuser().update("UPDATE tenants SET status = 'suspended' WHERE id = ?", id);

        for (Instance instance : List.of(first, second)) {
            Eventually.until(
                    "the suspension is seen",
                    () -> instance.cache.find("initech").orElseThrow().status() == TenantStatus.SUSPENDED);
            assertThat(instance.cache.find("initech").orElseThrow().businessType())
                    .contains("unannounced");
            Eventually.until("subscribers are told", () -> instance.changed.contains(id));
        }
    }

    @Test
    void aDeletedTenantIsNoLongerFound() {
        UUID id = plane.tenant("hooli", "hooli_role", "password-2");
        plane.database(id, "core", "primary", "core_hooli");
        Instance first = instance();
        Instance second = instance();
        assertThat(first.cache.find("hooli")).isPresent();
        assertThat(second.cache.find(id)).isPresent();

        plane.superuser().update("DELETE FROM tenants WHERE id = ?", id);

        Eventually.until(
                "the first instance forgets the tenant",
                () -> first.cache.find("hooli").isEmpty());
        Eventually.until(
                "the second instance forgets the tenant",
                () -> second.cache.find(id).isEmpty());
    }

    @Test
    void aMovedDatabaseIsSeenWithItsNewPlace() {
        UUID id = plane.tenant("umbrella", "umbrella_role", "password-3");
        plane.database(id, "crm", "primary", "crm_umbrella");
        Instance instance = instance();
        assertThat(instance.cache
                        .find("umbrella")
                        .orElseThrow()
                        .database("crm")
                        .orElseThrow()
                        .database())
                .isEqualTo("crm_umbrella");

        plane.superuser()
                .update("UPDATE tenant_databases SET database_name = 'crm_umbrella_2' WHERE tenant_id = ?", id);

        Eventually.until(
                "the new database name is seen",
                () -> instance.cache
                        .find("umbrella")
                        .orElseThrow()
                        .database("crm")
                        .map(ServiceDatabase::database)
                        .equals(Optional.of("crm_umbrella_2")));
    }

    @Test
    void listenerSurvivesItsBackendBeingTerminated() {
        UUID id = plane.tenant("wayne", "wayne_role", "password-4");
        Instance first = instance();
        Instance second = instance();
        Set<Integer> before = listenerPids();
        assertThat(before).hasSize(2);

        plane.superuser()
                .query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ? AND datname = ?",
                        row -> row.getBoolean(1),
                        PlacementListener.APPLICATION_NAME,
                        plane.database());

        Eventually.until("both listeners are back on new connections", () -> {
            Set<Integer> now = listenerPids();
            return now.size() == 2
                    && now.stream().noneMatch(before::contains)
                    && first.listener.isListening()
                    && second.listener.isListening();
        });
        assertThat(first.cache.find("wayne").orElseThrow().isActive()).isTrue();
        assertThat(second.cache.find("wayne").orElseThrow().isActive()).isTrue();

        plane.superuser().update("UPDATE tenants SET status = 'suspended' WHERE id = ?", id);

        Eventually.until(
                "the first instance sees the change",
                () -> !first.cache.find("wayne").orElseThrow().isActive());
        Eventually.until(
                "the second instance sees the change",
                () -> !second.cache.find("wayne").orElseThrow().isActive());
    }

    @Test
    void whileTheListenerIsDownTheCacheReadsThrough() {
        UUID id = plane.tenant("stark", "stark_role", "password-5");
        PlacementCache cache = new PlacementCache(plane.jdbc(), plane.secrets());
        PlacementListener listener = PlacementListener.start(
                () -> {
                    throw new SQLException("control database unreachable", "08001");
                },
                cache);
        closing.add(listener);
        assertThat(cache.find("stark").orElseThrow().businessType()).contains("retail");

        plane.updateSilently("UPDATE tenants SET business_type = 'unannounced' WHERE id = ?", id);

        assertThat(listener.isListening()).isFalse();
        assertThat(cache.find("stark").orElseThrow().businessType())
                .as("nothing stale is served")
                .contains("unannounced");

        assertThat(cache.anyOrganizationListsOrigin("https://stark.example")).isFalse();
        plane.updateSilently("UPDATE tenants SET cors_origins = '[\"https://stark.example\"]' WHERE id = ?", id);
        assertThat(cache.anyOrganizationListsOrigin("https://stark.example"))
                .as("nor stale origins")
                .isTrue();
    }

    @Test
    void everyOrganizationsOriginsAreKeptInMemoryAndFollowEachChangeHeard() {
        UUID oscorp = plane.tenant("oscorp", "oscorp_role", "password-9");
        UUID lexcorp = plane.tenant("lexcorp", "lexcorp_role", "password-10");
        plane.superuser()
                .update("UPDATE tenants SET cors_origins = '[\"https://oscorp.example\"]' WHERE id = ?", oscorp);
        Instance instance = instance();
        Eventually.until("the listener listens", instance.listener::isListening);
        PlacementCache cache = instance.cache;
        assertThat(cache.anyOrganizationListsOrigin("https://oscorp.example")).isTrue();
        assertThat(cache.find(oscorp).orElseThrow().listsOrigin("https://oscorp.example"))
                .isTrue();

        plane.updateSilently("UPDATE tenants SET cors_origins = '[\"https://lexcorp.example\"]' WHERE id = ?", lexcorp);
        assertThat(cache.anyOrganizationListsOrigin("https://lexcorp.example"))
                .as("served from memory")
                .isFalse();

        plane.superuser().update("UPDATE tenants SET cors_origins = '[\"https://lex.example\"]' WHERE id = ?", lexcorp);
        Eventually.until(
                "a change heard has its organization read again",
                () -> cache.anyOrganizationListsOrigin("https://lex.example"));
        assertThat(cache.anyOrganizationListsOrigin("https://oscorp.example")).isTrue();
        assertThat(cache.find(lexcorp).orElseThrow().listsOrigin("https://lex.example"))
                .isTrue();

        plane.superuser().update("UPDATE tenants SET status = 'deleting' WHERE id = ?", oscorp);
        Eventually.until(
                "an organization being deleted lists none",
                () -> !cache.anyOrganizationListsOrigin("https://oscorp.example"));
    }

    @Test
    void whileTheControlDatabaseIsAwayTheLastKnownPlacementIsServedAndAMissedChangeHoldsOnceItIsBack() {
        UUID known = plane.tenant("rogers", "rogers_role", "password-6");
        UUID neverRead = plane.tenant("barnes", "barnes_role", "password-7");
        try (FaultProxy proxy = FaultProxy.to(SERVER.port())) {
            Instance instance = instanceBehind(proxy);
            assertThat(instance.cache.find(known).orElseThrow().isActive()).isTrue();

            proxy.mode(FaultProxy.Mode.REFUSE);
            proxy.resetAll();
            Eventually.until("the listener notices", () -> !instance.listener.isListening());
            plane.superuser().update("UPDATE tenants SET status = 'suspended' WHERE id = ?", known);

            assertThat(instance.cache.find(known).orElseThrow().isActive())
                    .as("the last known placement: nothing newer can be known")
                    .isTrue();
            assertThatThrownBy(() -> instance.cache.find(neverRead))
                    .isInstanceOfSatisfying(
                            SiloException.class,
                            e -> assertThat(e.problem()).isEqualTo(ProblemType.CONTROL_DATABASE_UNAVAILABLE));
            assertThat(instance.cache.servedLastKnown()).isPositive();

            proxy.mode(FaultProxy.Mode.PASS);
            Eventually.until("the listener is back", instance.listener::isListening);
            assertThat(instance.cache.find(known).orElseThrow().status()).isEqualTo(TenantStatus.SUSPENDED);
        }
    }

    /** A change heard is a reason to distrust what was read before: it is not served through an outage. */
    @Test
    void aTenantWhoseChangeWasHeardIsNotServedFromItsLastKnownPlacement() {
        UUID id = plane.tenant("carter", "carter_role", "password-8");
        try (FaultProxy proxy = FaultProxy.to(SERVER.port())) {
            Instance instance = instanceBehind(proxy);
            assertThat(instance.cache.find(id)).isPresent();

            plane.superuser().update("UPDATE tenants SET status = 'suspended' WHERE id = ?", id);
            Eventually.until("the change is heard", () -> instance.changed.contains(id));
            proxy.mode(FaultProxy.Mode.REFUSE);
            proxy.resetAll();

            assertThatThrownBy(() -> instance.cache.find(id))
                    .isInstanceOfSatisfying(
                            SiloException.class,
                            e -> assertThat(e.problem()).isEqualTo(ProblemType.CONTROL_DATABASE_UNAVAILABLE));
        }
    }

    /** An instance whose control database, the plane's, is reached through {@code proxy}. */
    private Instance instanceBehind(FaultProxy proxy) {
        ControlDatabase control = ControlDatabase.open(
                "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + plane.database(),
                SERVER.user(),
                SERVER.password(),
                2);
        closing.add(control);
        PlacementCache cache = new PlacementCache(control, plane.secrets());
        PlacementListener listener = PlacementListener.start(control, cache);
        closing.add(listener);
        List<UUID> changed = new CopyOnWriteArrayList<>();
        listener.subscribe(changed::add);
        Eventually.until("the listener is listening", listener::isListening);
        return new Instance(cache, listener, changed);
    }

    /** One Silo instance's view: its own cache and listener on the shared control database. */
    private record Instance(PlacementCache cache, PlacementListener listener, List<UUID> changed) {}

    private Instance instance() {
        PlacementCache cache = new PlacementCache(
                plane.jdbc(),
                plane.secrets(),
                Duration.ofHours(1),
                com.github.benmanes.caffeine.cache.Ticker.systemTicker());
        PlacementListener listener = PlacementListener.start(plane.control(), cache);
        closing.add(listener);
        List<UUID> changed = new CopyOnWriteArrayList<>();
        listener.subscribe(changed::add);
        Eventually.until("the listener is listening", listener::isListening);
        return new Instance(cache, listener, changed);
    }

    private Set<Integer> listenerPids() {
        return plane
                .superuser()
                .query(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = ? AND datname = ?",
                        row -> row.getInt(1),
                        PlacementListener.APPLICATION_NAME,
                        plane.database())
                .stream()
                .collect(Collectors.toSet());
    }
}
