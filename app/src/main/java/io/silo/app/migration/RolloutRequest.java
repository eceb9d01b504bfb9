package io.silo.app.migration;

import java.util.List;
import java.util.Optional;

/**
 * What an operator asks of a rollout ({@code silo migrate}, {@code POST /api/admin/migrations}).
 *
 * @param service the service whose databases move to its template's newest version
 * @param tenants ids or slugs of the organizations to move; empty: every one behind
 * @param dryRun report what would change, change nothing
 * @param parallel databases migrated at once; empty: the default, in any case bounded by the clusters' budgets
 * @param canary migrate this many databases, then stop
 * @param autoContinue with a canary: go on with the rest when none of the canary failed
 * @param continueAfterCanary go on after an earlier canary: every database still behind
 */
public record RolloutRequest(
        String service,
        List<String> tenants,
        boolean dryRun,
        Optional<Integer> parallel,
        Optional<Integer> canary,
        boolean autoContinue,
        boolean continueAfterCanary) {
    public RolloutRequest {
        tenants = List.copyOf(tenants);
    }
}
