package io.silo.app.admission;

import io.silo.postgres.placement.PlacementCache;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origins organizations list for their own browser front ends (CORS), as the HTTP layer asks
 * about them for answers to browsers on other origins: from the cached placements, so the question
 * costs a map lookup on the path of every such request. The HTTP layer's own list
 * ({@code http.corsOrigins}) is asked first and needs none of this.
 *
 * <p>Never throws: an origin that cannot be checked now (the control database away, nothing known
 * of the organization yet) is not allowed, and the browser withholds the answer.
 *
 * <p>Thread-safe.
 */
public final class OrganizationOrigins {
    private static final Logger log = LoggerFactory.getLogger(OrganizationOrigins.class);

    private final PlacementCache placements;

    public OrganizationOrigins(PlacementCache placements) {
        this.placements = placements;
    }

    /** Whether {@code origin} is one of the organization's own front ends. */
    public boolean listedBy(UUID tenantId, String origin) {
        try {
            return placements
                    .find(tenantId)
                    .filter(placement -> placement.listsOrigin(origin))
                    .isPresent();
        } catch (RuntimeException e) {
            log.debug("origin {} not checked against tenant {}: {}", origin, tenantId, e.toString());
            return false;
        }
    }

    /** Whether any active or suspended organization lists {@code origin}: what a preflight, which names none, is allowed by. */
    public boolean listedByAny(String origin) {
        try {
            return placements.anyOrganizationListsOrigin(origin);
        } catch (RuntimeException e) {
            log.debug("origin {} not checked against the organizations: {}", origin, e.toString());
            return false;
        }
    }
}
