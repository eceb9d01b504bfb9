package io.silo.postgres.job;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Tells idle job workers that a job was recorded, on this instance or another: {@link JobStore#create}
 * notifies {@value JobStore#CHANNEL} in the creating transaction, the placement listener's connection
 * hears it ({@link #raise}), and a worker waiting for its next poll looks at once instead of up to
 * {@code jobs.pollInterval} later. Polling stays: a notification is lost while the listener is
 * reconnecting, and a job created with a grace is not claimable yet when it is heard.
 *
 * <p>Thread-safe.
 */
public final class JobSignal {
    private final Semaphore raised = new Semaphore(0);

    /** A job was recorded: one idle worker looks now. */
    public void raise() {
        if (raised.availablePermits() == 0) {
            raised.release();
        }
    }

    /** Waits until a job is recorded or {@code pollInterval} passes, whichever is first. */
    void await(Duration pollInterval) throws InterruptedException {
        raised.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
}
