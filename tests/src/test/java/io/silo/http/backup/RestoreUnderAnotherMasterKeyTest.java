package io.silo.http.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.backup.Restores;
import io.silo.audit.AuditEntry;
import io.silo.crypto.BackupKey;
import io.silo.postgres.backup.DatabaseDump;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An organization backed up while a rotation of its role's password had one staged (sealed under
 * its deployment's master key) is restored into another deployment, under another master key: the
 * archive carries no staged password, the restored organization has none, and the new deployment's
 * master-key re-seal, which must open every sealed value, still works.
 */
class RestoreUnderAnotherMasterKeyTest {
    private static final AuditEntry.Actor OPERATOR = AuditEntry.Actor.system("backup-test");

    @TempDir
    Path folder;

    @Test
    void aStagedRolePasswordIsNeitherArchivedNorRestored() {
        BackupKey key = BackupKey.random();
        Path archive = folder.resolve("staged.silo-backup");
        String slug;
        try (TestSilo first = TestSilo.start(1, Map.of())) {
            TestTenant staged = TestTenants.create(first.client(), "Staged Shop", List.of("pos"));
            slug = staged.slug();
            first.silo().application().tenants().stageRolePassword(UUID.fromString(staged.id()), "staged-password");
            assertThat(stagedPasswords(first, slug)).isEqualTo(1);

            var written = first.silo()
                    .application()
                    .backups()
                    .backup(slug, archive, key, false, DatabaseDump.Progress.NONE, OPERATOR);
            assertThat(written.manifest().organization().has("db_role_password_next"))
                    .as("the archive carries no sealed secret")
                    .isFalse();
            assertThat(written.manifest().organization().has("db_role_password"))
                    .isFalse();
        }

        // a fresh deployment: a new control database and another random master key
        try (TestSilo second = TestSilo.start(1, Map.of())) {
            var restored = second.silo()
                    .application()
                    .restores()
                    .restore(
                            archive,
                            key,
                            new Restores.Options(Optional.empty(), Optional.empty()),
                            DatabaseDump.Progress.NONE,
                            OPERATOR);

            assertThat(restored.tenant().slug()).isEqualTo(slug);
            assertThat(stagedPasswords(second, slug)).isZero();
            assertThat(second.silo().application().masterKeyRotation().reseal(OPERATOR))
                    .as("every sealed value opens under this deployment's key: nothing to re-seal")
                    .allSatisfy((table, count) -> assertThat(count).as(table).isZero());
        }
    }

    private static long stagedPasswords(TestSilo silo, String slug) {
        return silo.control()
                .queryOne(
                        "SELECT count(db_role_password_next) FROM tenants WHERE slug = ?", row -> row.getLong(1), slug)
                .orElseThrow();
    }
}
