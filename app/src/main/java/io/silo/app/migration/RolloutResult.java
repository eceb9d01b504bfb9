package io.silo.app.migration;

import java.util.List;
import java.util.UUID;

/** What a rollout request led to: nothing to do, a dry run's plan, or a job under way. */
public sealed interface RolloutResult {
    /** The service. */
    String service();

    /** The template's newest version. */
    int version();

    /** Every database of the service (or of the tenants named) is at {@link #version()}. */
    record NothingToDo(String service, int version) implements RolloutResult {}

    /** What each database behind would go through. */
    record DryRun(String service, int version, List<DatabasePlan> databases) implements RolloutResult {
        public DryRun {
            databases = List.copyOf(databases);
        }
    }

    /** A rollout job was created: {@code databases} will be migrated by it. */
    record Started(String service, int version, UUID jobId, int databases, int parallel) implements RolloutResult {}

    /**
     * One database of a dry run.
     *
     * @param steps the steps it would run, e.g. {@code 2.1 addIndex orders status asc}
     */
    record DatabasePlan(String tenant, String database, int fromVersion, int toVersion, List<String> steps) {
        public DatabasePlan {
            steps = List.copyOf(steps);
        }
    }
}
