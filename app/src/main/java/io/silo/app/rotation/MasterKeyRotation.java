package io.silo.app.rotation;

import io.silo.audit.AuditEntry;
import io.silo.crypto.SecretBox;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.SecretResealing;
import io.silo.postgres.jdbc.Jdbc;
import java.util.Map;
import java.util.Optional;

/**
 * Rotating the master key, the step Silo takes: once every instance runs with the new key as
 * {@code master.key} and the old one as {@code master.previousKey}, {@link #reseal} seals every
 * stored secret again under the new key (one transaction), after which the old key can go. The
 * steps around it are the operator's ({@code docs/operations.md}, "Rotating the master key").
 *
 * <p>Thread-safe.
 */
public final class MasterKeyRotation {
    private final Jdbc control;
    private final SecretBox secrets;
    private final AuditLog audit;

    public MasterKeyRotation(Jdbc control, SecretBox secrets, AuditLog audit) {
        this.control = control;
        this.secrets = secrets;
        this.audit = audit;
    }

    /** Re-seals what the previous key sealed; how many values per table, recorded in the audit log. */
    public Map<String, Integer> reseal(AuditEntry.Actor actor) {
        Map<String, Integer> resealed = SecretResealing.run(control, secrets);
        audit.append(new AuditEntry(
                actor, "master-key.reseal", "control-plane", "secrets", Optional.empty(), Map.copyOf(resealed)));
        return resealed;
    }
}
