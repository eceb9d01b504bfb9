package io.silo.postgres.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.postgres.control.ControlDatabase;
import io.silo.testing.PostgresTest;
import io.silo.testing.TestDatabase;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The dirty mark tells the sweeper which tenants may have unapplied directory changes. */
@PostgresTest
class DirectoryMarkTest {

    /**
     * Regression: marks kept the earliest time, so a change marked while a drain was running
     * (after the drain had read the outbox) was cleared with it, and the sweeper never saw it.
     */
    @Test
    void aChangeMarkedDuringADrainSurvivesThatDrainsClean(TestDatabase database) {
        try (ControlDatabase control = ControlDatabase.open(
                database.url(), database.server().user(), database.server().password(), 2)) {
            UUID tenant = UUID.randomUUID();
            control.jdbc().update("""
                    INSERT INTO tenants (id, slug, name, status, db_role, db_role_password, created_at, updated_at)
                    VALUES (?, 'marked', 'Marked', 'active', 'silo_t_marked', 'sealed', now(), now())""", tenant);
            DirectoryStore directory = new DirectoryStore(control.jdbc());
            Instant first = Instant.parse("2026-01-01T00:00:00Z");

            directory.markDirty(tenant, first);
            Instant drainStarted = first.plusSeconds(1);
            directory.markDirty(tenant, first.plusSeconds(2));
            directory.markClean(tenant, drainStarted);

            assertThat(directory.dirtySince(first.plusSeconds(10), 10)).containsExactly(tenant);
            directory.markClean(tenant, first.plusSeconds(3));
            assertThat(directory.dirtySince(first.plusSeconds(10), 10)).isEmpty();
        }
    }
}
