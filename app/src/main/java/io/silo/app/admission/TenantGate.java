package io.silo.app.admission;

import io.silo.app.session.Principal;
import io.silo.error.ProblemType;
import io.silo.postgres.placement.Placement;
import io.silo.postgres.placement.PlacementCache;
import io.silo.tenant.TenantStatus;

/**
 * Lets a member's request through only while the organization is active. Access tokens live
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

    /** The member's organization, when it may be served; else a 403 saying why. */
    public Placement admit(Principal.Member member) {
        Placement placement = placements
                .find(member.tenantId())
                .orElseThrow(
                        () -> ProblemType.INVALID_TOKEN.exception("the organization of this token no longer exists"));
        if (placement.status() == TenantStatus.SUSPENDED) {
            throw ProblemType.ORGANIZATION_SUSPENDED.exception("organization " + placement.slug() + " is suspended");
        }
        if (!placement.isActive()) {
            throw ProblemType.ORGANIZATION_UNAVAILABLE.exception("organization " + placement.slug() + " is "
                    + placement.status().value());
        }
        return placement;
    }
}
