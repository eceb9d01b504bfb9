package io.silo.http.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.app.backup.Restores;
import io.silo.audit.AuditEntry;
import io.silo.crypto.BackupKey;
import io.silo.postgres.backup.DatabaseDump;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore whose process dies while the archive loads runs no cleanup: its organization stays
 * {@code provisioning}, and a replacement leaves the live organization's writes fenced. The next
 * attempt of the same restore (a job's step run again, or the same command) deletes what the killed
 * one made and, replacing, takes its fence over and lifts it, whether it then succeeds or fails.
 * Regression: a second attempt fenced only ready databases, so it lifted nothing, and a copy's slug
 * stayed taken by the half-made organization.
 *
 * <p>The kill is an {@link Error} thrown while loading, which no cleanup catches, as none runs in a
 * killed process; the {@code finally} that lifts a replacement's fence still runs in-process, so the
 * test puts the fence back as a killed process leaves it.
 */
class RestoreKilledMidwayTest {
    private static final AuditEntry.Actor OPERATOR = AuditEntry.Actor.system("restore-killed-test");
    private static final Duration DELETION = Duration.ofSeconds(30);

    private static TestSilo silo;
    private static BackupKey key;

    @TempDir
    static Path folder;

    /** Stands for the process dying in the middle of the load. */
    static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed() {
            super("simulated kill while loading");
        }
    }

    private static final DatabaseDump.Progress KILLED = (service, table, rows) -> {
        throw new Killed();
    };

    @BeforeAll
    static void start() {
        silo = TestSilo.start(1, Map.of());
        key = BackupKey.random();
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void aRestoreKilledWhileLoadingIsDeletedByItsNextAttemptWhichRestoresTheOrganization() {
        TestTenant shop = TestTenants.create(silo.client(), "Killed Copy Shop", List.of("crm"));
        contacts(shop, 5);
        Path file = backup(shop);
        Restores.Options copy = new Restores.Options(Optional.of("killed-copy"), Optional.empty());
        assertThatThrownBy(() -> restores().restore(file, key, copy, KILLED, OPERATOR))
                .isInstanceOf(Killed.class);
        UUID leftover = id("killed-copy");
        assertThat(status(leftover)).isEqualTo("provisioning");
        String leftoverRole = role(leftover);

        Restores.Restored again = restores().restore(file, key, copy, DatabaseDump.Progress.NONE, OPERATOR);

        assertThat(again.tenant().slug()).isEqualTo("killed-copy");
        assertThat(again.tenant().status().value()).isEqualTo("active");
        assertThat(again.tenant().id()).isNotEqualTo(leftover);
        assertThat(status(leftover)).as("the half-made organization is deleted").isEqualTo("absent");
        assertThat(roleExists(leftoverRole)).as("with its role").isFalse();
        SiloClient member = TestTenants.signIn(silo.client(), "killed-copy", shop.adminEmail(), TestTenants.PASSWORD);
        assertThat(member.get("/api/data/crm/contacts").json().path("items")).hasSize(5);
    }

    @Test
    void aReplacementKilledWhileLoadingThatFailsAgainLeavesTheLiveOrganizationWritable() {
        TestTenant live = TestTenants.create(silo.client(), "Killed Replace Failing", List.of("crm"));
        contacts(live, 3);
        Path file = backup(live);
        UUID leftover = killedReplacement(file, live);
        assertThat(write(live)).as("fenced by the killed attempt").isEqualTo(503);

        DatabaseDump.Progress failing = (service, table, rows) -> {
            throw new IllegalStateException("the disk filled up");
        };
        assertThatThrownBy(() -> restores().replace(file, key, Optional.empty(), failing, OPERATOR))
                .hasMessageContaining("the disk filled up");

        assertThat(states(UUID.fromString(live.id()))).containsOnly("ready");
        assertThat(status(leftover)).isEqualTo("absent");
        assertThat(Eventually.get(DELETION, () -> restoring(live.slug()), List::isEmpty))
                .as("neither attempt's copy is left")
                .isEmpty();
        assertThat(Eventually.get(Duration.ofSeconds(10), () -> write(live), status -> status == 201))
                .isEqualTo(201);
    }

    @Test
    void aReplacementKilledWhileLoadingThatIsRunAgainReplacesAndLeavesNothingFenced() {
        TestTenant live = TestTenants.create(silo.client(), "Killed Replace Again", List.of("crm"));
        contacts(live, 4);
        Path file = backup(live);
        UUID leftover = killedReplacement(file, live);

        Restores.Restored replaced =
                restores().replace(file, key, Optional.empty(), DatabaseDump.Progress.NONE, OPERATOR);

        assertThat(replaced.tenant().slug()).isEqualTo(live.slug());
        assertThat(replaced.tenant().status().value()).isEqualTo("active");
        assertThat(status(UUID.fromString(live.id()))).isEqualTo("suspended");
        assertThat(states(UUID.fromString(live.id())))
                .as("the old organization, kept, has no fence left")
                .containsOnly("ready");
        assertThat(status(leftover)).isEqualTo("absent");
        assertThat(restoring(live.slug())).isEmpty();
        assertThat(silo.control()
                        .queryOne(
                                "SELECT status_reason FROM tenants WHERE id = ?",
                                row -> Optional.ofNullable(row.getString(1)),
                                replaced.tenant().id())
                        .orElseThrow())
                .as("the restore's mark is gone once it is active")
                .isEmpty();
        SiloClient member = TestTenants.signIn(silo.client(), live.slug(), live.adminEmail(), TestTenants.PASSWORD);
        assertThat(member.get("/api/data/crm/contacts").json().path("items")).hasSize(4);
    }

    /**
     * A replacement killed while it loaded: its copy left provisioning and the live organization's
     * databases fenced; answers the copy's id.
     */
    private static UUID killedReplacement(Path file, TestTenant live) {
        assertThatThrownBy(() -> restores().replace(file, key, Optional.empty(), KILLED, OPERATOR))
                .isInstanceOf(Killed.class);
        // what the killed process's finally would not have lifted
        silo.control()
                .update(
                        "UPDATE tenant_databases SET state = 'write-fenced' WHERE tenant_id = ?",
                        UUID.fromString(live.id()));
        List<String> copies = restoring(live.slug());
        assertThat(copies).hasSize(1);
        UUID copy = id(copies.getFirst());
        assertThat(status(copy)).isEqualTo("provisioning");
        return copy;
    }

    private static Path backup(TestTenant tenant) {
        Path file = folder.resolve(tenant.slug() + ".silo-backup");
        silo.silo()
                .application()
                .backups()
                .backup(tenant.slug(), file, key, false, DatabaseDump.Progress.NONE, OPERATOR);
        return file;
    }

    private static void contacts(TestTenant tenant, int count) {
        for (int i = 0; i < count; i++) {
            assertThat(tenant.client()
                            .post("/api/data/crm/contacts", Map.of("name", "Contact " + i))
                            .status())
                    .isEqualTo(201);
        }
    }

    private static int write(TestTenant tenant) {
        return tenant.client()
                .post("/api/data/crm/contacts", Map.of("name", "Written later"))
                .status();
    }

    private static Restores restores() {
        return silo.silo().application().restores();
    }

    private static UUID id(String slug) {
        return silo.control()
                .queryOne("SELECT id FROM tenants WHERE slug = ?", row -> row.getObject(1, UUID.class), slug)
                .orElseThrow();
    }

    private static String status(UUID id) {
        return silo.control()
                .queryOne("SELECT status FROM tenants WHERE id = ?", row -> row.getString(1), id)
                .orElse("absent");
    }

    private static String role(UUID id) {
        return silo.control()
                .queryOne("SELECT db_role FROM tenants WHERE id = ?", row -> row.getString(1), id)
                .orElseThrow();
    }

    private static boolean roleExists(String role) {
        return !TestPostgres.primary()
                .admin()
                .query("SELECT 1 FROM pg_roles WHERE rolname = ?", row -> 1, role)
                .isEmpty();
    }

    private static List<String> states(UUID tenant) {
        return silo.control()
                .query("SELECT state FROM tenant_databases WHERE tenant_id = ?", row -> row.getString(1), tenant);
    }

    private static List<String> restoring(String slug) {
        return silo.control()
                .query("SELECT slug FROM tenants WHERE slug LIKE ?", row -> row.getString(1), slug + "-restoring-%");
    }
}
