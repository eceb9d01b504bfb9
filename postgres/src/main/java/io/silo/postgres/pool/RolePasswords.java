package io.silo.postgres.pool;

import java.util.List;
import java.util.UUID;

/**
 * Where a pool turns when a database refuses its tenant role's password: the passwords the control
 * database holds for that role now, its current one and, while a rotation is under way, the next
 * one. A pool tries those it has not tried, so a rotation's requests are never refused, whichever
 * order the role's change and the instance's notice of it arrive in.
 *
 * <p>Implementations are thread-safe; asked only after a refused login, so rarely.
 */
@FunctionalInterface
public interface RolePasswords {
    /** For pools with nowhere to ask (tests of the pools alone). */
    RolePasswords NONE = tenantId -> List.of();

    /** The tenant role's passwords, current first; empty when unknown. */
    List<String> of(UUID tenantId);
}
