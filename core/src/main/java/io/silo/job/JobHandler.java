package io.silo.job;

import java.util.Optional;
import java.util.UUID;

/**
 * Runs the steps of one kind of job. Every step must be idempotent: after a crash it runs again
 * from the start, possibly after it had already done its work.
 *
 * <p>Implementations are thread-safe: several jobs of one kind may run at once.
 */
public interface JobHandler {

    /** The kind this handler runs, e.g. {@code tenant.provision}. */
    String kind();

    /** Runs one step of the job's plan. Throwing an exception counts as a failed attempt. */
    void run(Job job, String step);

    /** Called once when the job gives up after its last attempt, to record why (e.g. mark the tenant failed). */
    void failed(Job job, String reason);

    /**
     * Whether a job of this kind may be cancelled. A kind whose steps cannot be undone half way (a
     * deletion has dropped some databases) says no, and runs to its end once asked for.
     */
    default boolean cancellable() {
        return true;
    }

    /** Called once when every step has run. */
    default void succeeded(Job job) {}

    /**
     * Called once when an administrator's cancellation stopped the job (before its first step, or at
     * a step boundary). By default it is treated as a failure with that reason, so that what the job
     * was changing is marked as such (a tenant being provisioned becomes {@code failed}).
     */
    default void cancelled(Job job) {
        failed(job, "cancelled by an administrator");
    }

    /**
     * The tenant a step changes, if any: the runner holds that tenant's lease while the step runs, so
     * that no two jobs change one tenant at once. By default the job's own tenant; a job over many
     * tenants (a rollout) names the step's tenant, and holds one tenant's lease at a time.
     */
    default Optional<UUID> tenantOf(Job job, String step) {
        return job.tenantId();
    }
}
