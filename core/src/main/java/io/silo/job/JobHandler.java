package io.silo.job;

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

    /** Called once when every step has run. */
    default void succeeded(Job job) {}
}
