package io.silo.http.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.app.ControlRecovery;
import io.silo.app.SiloOptions;
import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import io.silo.error.SiloException;
import io.silo.postgres.control.ControlDump;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The control database backed up, lost and restored into a new one: the organizations sign in and
 * find their data, and what changed on the clusters after the backup is found and reported (or
 * repaired where the control plane is the authority). A dump altered or cut short loads nothing.
 */
class ControlRecoveryTest {
    private static final String PRODUCTS = "/api/data/pos/products";

    @Test
    void aRestoredControlPlaneFindsItsTenantsAgainAndReportsWhatChangedSince() throws Exception {
        Map<String, String> env = TestSilo.env(Map.of());
        byte[] dump;
        TestTenant kept;
        TestTenant deleted;
        TestTenant later;
        String bottle;
        try (TestSilo silo = TestSilo.start(1, env, SiloOptions.server())) {
            kept = TestTenants.create(silo.client(), "Kept Cellar", List.of("pos"));
            deleted = TestTenants.create(silo.client(), "Gone Cellar", List.of("pos"));
            bottle = kept.client()
                    .post(PRODUCTS, Map.of("name", "Port", "sku", "PORT-1", "price", 30, "stock", 3))
                    .json()
                    .path("_id")
                    .asString();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ControlDump.Summary written = ControlRecovery.backup(silo.silo().application(), out);
            dump = out.toByteArray();
            assertThat(written.rows()).containsEntry("tenants", 2L);
            assertThat(written.rows().get("audit_log")).isPositive();
            assertThat(headerOf(silo, Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC)))
                    .as("the dump's writtenAt comes from the injected clock")
                    .contains("\"writtenAt\":\"2030-01-02T03:04:05Z\"");

            // after the backup: a rotation, a deletion, a new organization
            SiloClient admin = silo.client().asAdmin();
            assertThat(admin.post("/api/organizations/" + kept.slug() + "/rotate-role-password", Map.of())
                            .status())
                    .isEqualTo(200);
            assertThat(admin.delete("/api/organizations/" + deleted.slug()).status())
                    .isEqualTo(204);
            later = TestTenants.create(silo.client(), "Later Cellar", List.of("pos"));
        }

        Map<String, String> restoredEnv = new HashMap<>(env);
        restoredEnv.put("SILO_DATABASE_URL", TestPostgres.primary().url("silo_restored"));
        SiloConfig restored = SiloConfig.from(ConfigSource.ofEnv(restoredEnv));
        ControlRecovery.Restored loaded = ControlRecovery.restore(restored, new ByteArrayInputStream(dump));
        assertThat(loaded.summary().rows()).containsEntry("tenants", 2L);
        assertThat(loaded.interrupted()).isEmpty();
        assertThatThrownBy(() -> ControlRecovery.restore(restored, new ByteArrayInputStream(dump)))
                .isInstanceOf(SiloException.class)
                .hasMessageContaining("new, empty control database");

        try (TestSilo silo = TestSilo.resume(restored, SiloOptions.server())) {
            List<ControlRecovery.Difference> differences =
                    ControlRecovery.reconcile(silo.silo().application());
            System.out.println("ControlRecoveryTest: " + differences);
            assertThat(differences)
                    .extracting(ControlRecovery.Difference::kind, ControlRecovery.Difference::database)
                    .contains(
                            org.assertj.core.groups.Tuple.tuple("role-password-restored", kept.database("core")),
                            org.assertj.core.groups.Tuple.tuple("database-missing", deleted.database("pos")),
                            org.assertj.core.groups.Tuple.tuple("database-unknown", later.database("pos")));
            assertThat(ControlRecovery.reconcile(silo.silo().application()))
                    .as("the repairs hold; what is only reported stays reported")
                    .extracting(ControlRecovery.Difference::kind)
                    .doesNotContain("role-password-restored", "schema-version-corrected");

            SiloClient owner = TestTenants.signIn(silo.client(), kept.slug(), kept.adminEmail(), TestTenants.PASSWORD);
            assertThat(owner.get(PRODUCTS + "/" + bottle).json().path("name").asString())
                    .isEqualTo("Port");
            assertThat(owner.post(PRODUCTS, Map.of("name", "Sherry", "sku", "SH-1", "price", 12, "stock", 1))
                            .status())
                    .isEqualTo(201);
        }
    }

    @Test
    void aDumpAlteredOrCutShortLoadsNothing() throws Exception {
        Map<String, String> env = TestSilo.env(Map.of());
        byte[] dump;
        try (TestSilo silo = TestSilo.start(1, env, SiloOptions.server())) {
            TestTenants.create(silo.client(), "Altered Cellar", List.of("pos"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ControlRecovery.backup(silo.silo().application(), out);
            dump = out.toByteArray();
        }
        String text = new String(dump, StandardCharsets.UTF_8);
        byte[] altered = text.replace("Altered Cellar", "Altered Cellaz").getBytes(StandardCharsets.UTF_8);
        byte[] cut = text.substring(0, text.length() / 2).getBytes(StandardCharsets.UTF_8);

        int n = 0;
        for (byte[] broken : List.of(altered, cut, "not a dump\n".getBytes(StandardCharsets.UTF_8))) {
            Map<String, String> target = new HashMap<>(env);
            target.put("SILO_DATABASE_URL", TestPostgres.primary().url("silo_broken_" + n++));
            SiloConfig config = SiloConfig.from(ConfigSource.ofEnv(target));
            assertThatThrownBy(() -> ControlRecovery.restore(config, new ByteArrayInputStream(broken)))
                    .isInstanceOf(SiloException.class)
                    .satisfies(e -> assertThat(((SiloException) e).type()).isEqualTo("control-dump-invalid"));
        }
        Map<String, String> target = new HashMap<>(env);
        target.put("SILO_DATABASE_URL", TestPostgres.primary().url("silo_broken_0"));
        // the altered dump left the database empty: a whole one loads into it
        ControlRecovery.Restored loaded =
                ControlRecovery.restore(SiloConfig.from(ConfigSource.ofEnv(target)), new ByteArrayInputStream(dump));
        assertThat(loaded.summary().rows()).containsEntry("tenants", 1L);
    }

    /**
     * A move under way when the backup was made is not resumed by the restored control plane: the
     * clusters may have moved on since, and a resumed or rolled-back move would overwrite or drop the
     * live databases. Its job is failed, its move marked rolled back, and the restore reports it.
     */
    @Test
    void aMoveUnderWayInTheBackupIsStoppedNotResumed() throws Exception {
        Map<String, String> env = TestSilo.env(Map.of());
        byte[] dump;
        TestTenant moving;
        java.util.UUID job = java.util.UUID.randomUUID();
        try (TestSilo silo = TestSilo.start(1, env, SiloOptions.server())) {
            moving = TestTenants.create(silo.client(), "Moving Cellar", List.of("pos"));
            // as the move job leaves them mid-way: its row fenced, its job running under a lapsed lease
            silo.control()
                    .update(
                            "INSERT INTO jobs (id, kind, tenant_id, state, steps, next_step, lease_until)"
                                    + " VALUES (?, 'organization.move', ?::uuid, 'running', '[\"prepare\", \"copy\"]', 1,"
                                    + " now() - interval '1 minute')",
                            job,
                            moving.id());
            silo.control()
                    .update(
                            "INSERT INTO tenant_moves (job_id, tenant_id, slug, target_cluster, state)"
                                    + " VALUES (?, ?::uuid, ?, 'elsewhere', 'fenced')",
                            job,
                            moving.id(),
                            moving.slug());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ControlRecovery.backup(silo.silo().application(), out);
            dump = out.toByteArray();
        }
        Map<String, String> restoredEnv = new HashMap<>(env);
        restoredEnv.put("SILO_DATABASE_URL", TestPostgres.primary().url("silo_restored_moving"));

        ControlRecovery.Restored loaded = ControlRecovery.restore(
                SiloConfig.from(ConfigSource.ofEnv(restoredEnv)), new ByteArrayInputStream(dump));

        assertThat(loaded.interrupted())
                .extracting(ControlRecovery.Difference::kind, ControlRecovery.Difference::database)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("move-interrupted", moving.slug()));
        try (TestSilo silo = TestSilo.resume(SiloConfig.from(ConfigSource.ofEnv(restoredEnv)), SiloOptions.server())) {
            assertThat(silo.control().query("SELECT state FROM jobs WHERE id = ?", row -> row.getString(1), job))
                    .containsExactly("failed");
            assertThat(silo.control()
                            .query("SELECT state FROM tenant_moves WHERE job_id = ?", row -> row.getString(1), job))
                    .containsExactly("rolled-back");
        }
    }

    /** The first line of a dump written with {@code clock}: its header. */
    private static String headerOf(TestSilo silo, Clock clock) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection connection =
                silo.silo().application().control().dataSource().getConnection()) {
            ControlDump.write(connection, out, clock);
        }
        return out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    }
}
