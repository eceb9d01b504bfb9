package io.silo.app;

import io.silo.app.file.FileSweeper;
import io.silo.app.mail.LocalMailbox;
import io.silo.postgres.control.RefreshTokenStore;
import io.silo.postgres.control.SigningKeyStore;
import io.silo.postgres.control.SignupStore;
import io.silo.postgres.jdbc.Jdbc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the control database and the data directory from growing without end: refresh tokens a
 * day past their expiry, signing keys no longer published, finished jobs and sign-ups older than
 * thirty days, and local mail older than that, are removed every ten minutes; expired sign-ups
 * forget their password hashes; the next few tenant databases are swept of orphaned files
 * ({@link FileSweeper}); the databases of removed services whose grace ended start being dropped
 * ({@link io.silo.app.organization.OrganizationServices#dropExpired}). Any instance may do it; the deletes are idempotent.
 *
 * <p>Thread-safe; {@link #close()} stops it.
 */
final class Housekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);
    private static final Duration EVERY = Duration.ofMinutes(10);
    private static final Duration KEEP_FINISHED = Duration.ofDays(30);

    private final Thread thread;

    private Housekeeping(Thread thread) {
        this.thread = thread;
    }

    static Housekeeping start(
            Jdbc control,
            RefreshTokenStore refreshTokens,
            SigningKeyStore signingKeys,
            SignupStore signups,
            Optional<LocalMailbox> mailbox,
            Duration refreshTtl,
            FileSweeper files,
            IntSupplier dropRemovedServices,
            Clock clock) {
        Runnable sweep = () -> {
            Instant now = clock.instant();
            Instant longAgo = now.minus(KEEP_FINISHED);
            int tokens = refreshTokens.purgeExpired(now.minus(Duration.ofDays(1)))
                    // a revoked session matters while a refresh token of it may exist
                    + refreshTokens.purgeRevokedSessions(now.minus(refreshTtl).minus(Duration.ofDays(1)));
            int keys = signingKeys.purgeExpired(now);
            int jobs = control.update(
                    "DELETE FROM jobs WHERE state IN ('succeeded', 'failed', 'cancelled') AND finished_at < ?",
                    longAgo);
            int signupsDone = signups.purge(now, longAgo);
            // spent or expired, a reset token is useless; invitations are kept a while for "who invited whom"
            int identityTokens = control.update(
                            "DELETE FROM password_resets WHERE expires_at < ?", now.minus(Duration.ofDays(1)))
                    + control.update(
                            "DELETE FROM invitations WHERE coalesce(accepted_at, revoked_at, expires_at) < ?", longAgo);
            int mail = mailbox.map(box -> box.prune(longAgo)).orElse(0);
            int orphans = files.sweepSome();
            int drops = dropRemovedServices.getAsInt();
            if (tokens + keys + jobs + signupsDone + identityTokens + mail + orphans + drops > 0) {
                log.info(
                        "housekeeping removed {} refresh tokens and revoked sessions, {} signing keys, {} finished jobs, {} sign-ups, {} password reset and invitation tokens, {} mails, {} orphaned files, and started dropping {} removed services' databases and closed organizations",
                        tokens,
                        keys,
                        jobs,
                        signupsDone,
                        identityTokens,
                        mail,
                        orphans,
                        drops);
            }
        };
        return new Housekeeping(Thread.ofVirtual().name("housekeeping").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(EVERY);
                    sweep.run();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("housekeeping failed; trying again in {}: {}", EVERY, e.getMessage());
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
