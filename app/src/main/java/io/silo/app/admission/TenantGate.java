package io.silo.app.admission;

import io.silo.app.session.Principal;
import io.silo.postgres.placement.Placement;
import io.silo.postgres.placement.PlacementCache;
import io.silo.tenant.Admission;
import java.util.Optional;
import java.util.UUID;

/**
 * Lets a member's request through only while the organization may be served
 * ({@link Admission}), from the cached placement. Access tokens live
 * for minutes; the placement cache, which every instance invalidates on LISTEN/NOTIFY, makes a
 * suspension bite at once rather than when the token expires.
 *
 * <p>Thread-safe.
 */
public final class TenantGate {
    private final PlacementCache placements;

    public TenantGate(PlacementCache placements) {
        this.placements = placements;
    }

    /**
     * The member's organization, when a member's request may reach it now ({@link Admission}: reads and
     * writes are admitted alike here; a database's write fence is the data routes' own check); else
     * its problem.
     */
    public Placement admit(Principal.Member member) {
        Optional<Placement> placement = placements.find(member.tenantId());
        Admission.check(Admission.organization(
                placement.map(Placement::status),
                placement.map(Placement::slug).orElse(member.tenantSlug()),
                Admission.Route.READ));
        return placement.orElseThrow();
    }

    /**
     * The organization named by something other than a member's token (a signed file URL), when a
     * read may reach it now; its problem when it may not (suspended, being deleted); empty when it no
     * longer exists.
     */
    public Optional<Placement> admit(UUID tenantId) {
        Optional<Placement> placement = placements.find(tenantId);
        placement.ifPresent(found -> Admission.check(
                Admission.organization(Optional.of(found.status()), found.slug(), Admission.Route.READ)));
        return placement;
    }
}
