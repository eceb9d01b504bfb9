package io.silo.app;

import io.silo.app.identity.CommitObserver;
import io.silo.job.StepObserver;
import java.time.Clock;

/**
 * How to run a Silo instance beyond its configuration.
 *
 * @param clock the time source; tests move it
 * @param stepObserver sees every job step before it runs; tests use it to stop a process at a chosen step
 * @param serveHttp false for the CLI, which uses the control plane in-process without listening
 * @param runJobs whether background job workers run (the CLI runs its jobs inline only)
 * @param userCommitObserver sees every user change between its core commit and the directory update; tests crash there
 */
public record SiloOptions(
        Clock clock, StepObserver stepObserver, boolean serveHttp, boolean runJobs, CommitObserver userCommitObserver) {

    /** A server: HTTP, background jobs, the system clock. */
    public static SiloOptions server() {
        return new SiloOptions(Clock.systemUTC(), StepObserver.NONE, true, true, CommitObserver.NONE);
    }

    /** The CLI: no HTTP, no background workers. */
    public static SiloOptions headless() {
        return new SiloOptions(Clock.systemUTC(), StepObserver.NONE, false, false, CommitObserver.NONE);
    }

    public SiloOptions withClock(Clock other) {
        return new SiloOptions(other, stepObserver, serveHttp, runJobs, userCommitObserver);
    }

    public SiloOptions withStepObserver(StepObserver other) {
        return new SiloOptions(clock, other, serveHttp, runJobs, userCommitObserver);
    }

    public SiloOptions withUserCommitObserver(CommitObserver other) {
        return new SiloOptions(clock, stepObserver, serveHttp, runJobs, other);
    }
}
