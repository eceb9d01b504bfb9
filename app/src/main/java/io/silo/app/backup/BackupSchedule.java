package io.silo.app.backup;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled backups ({@code backups.every}): once a minute (or every {@code backups.every}, if
 * shorter) a virtual thread starts a backup job for each active organization whose newest scheduled
 * archive is older than {@code backups.every}; the jobs keep {@code backups.keep} archives each.
 * Two instances may both start one for an organization in the same minute: that makes one archive
 * too many, which the next prune removes.
 *
 * <p>Thread-safe; {@link #close()} stops it, waiting at most 5 seconds.
 */
public final class BackupSchedule implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackupSchedule.class);
    private final Thread thread;

    private BackupSchedule(Thread thread) {
        this.thread = thread;
    }

    /** Starts the schedule. */
    public static BackupSchedule start(BackupJobs jobs, Duration every) {
        Duration pause = every.compareTo(Duration.ofMinutes(1)) < 0 ? every : Duration.ofMinutes(1);
        return new BackupSchedule(Thread.ofVirtual().name("backup schedule").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(pause);
                    int started = jobs.startDue(every);
                    if (started > 0) {
                        log.info("backup schedule started {} backups (every {})", started, every);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("backup schedule failed; trying again in {}: {}", pause, e.getMessage());
                }
            }
        }));
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
