package io.silo.postgres.control;

import io.silo.audit.AuditEntry;
import io.silo.postgres.jdbc.Jdbc;

/**
 * The template reloads asked for, in the control database: a generation that each one moves on
 * ({@code control_settings}), so that an instance that listens again after a gap can tell whether
 * it missed one, and the notification on {@value #CHANNEL} that tells the listening instances at
 * once, its payload the new generation.
 *
 * <p>Thread-safe.
 */
public final class TemplateReloads {
    /** The channel on which a reload asked for is announced. */
    public static final String CHANNEL = "silo_templates";

    private static final String KEY = "templates_reload_generation";

    private final Jdbc jdbc;
    private final AuditLog audit;

    public TemplateReloads(Jdbc jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** The generation now: how many reloads were asked for, 0 before the first. */
    public long generation() {
        return jdbc.queryOne("SELECT value::bigint FROM control_settings WHERE key = ?", row -> row.getLong(1), KEY)
                .orElse(0L);
    }

    /**
     * Records a reload asked for, in one transaction: the generation moved on, {@code entry} in the
     * master audit log, and the notification, which PostgreSQL sends at the commit.
     *
     * @return the new generation
     */
    public long ask(AuditEntry entry) {
        return jdbc.inTransaction(handle -> {
            long next = handle.queryOne(
                            "INSERT INTO control_settings (key, value) VALUES (?, '1') ON CONFLICT (key)"
                                    + " DO UPDATE SET value = (control_settings.value::bigint + 1)::text"
                                    + " RETURNING value::bigint",
                            row -> row.getLong(1),
                            KEY)
                    .orElseThrow();
            audit.append(handle, entry);
            handle.queryOne("SELECT pg_notify(?, ?)", row -> 1, CHANNEL, Long.toString(next));
            return next;
        });
    }
}
