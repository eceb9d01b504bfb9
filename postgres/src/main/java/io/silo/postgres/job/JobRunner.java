package io.silo.postgres.job;

import io.silo.config.SiloConfig;
import io.silo.crypto.Secrets;
import io.silo.error.ErrorKind;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.job.JobState;
import io.silo.job.StepObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs jobs: background workers claim runnable jobs from the {@link JobStore}; a caller that
 * wants an answer now runs one job inline with {@link #runNow}. Each step is recorded as done
 * before the next starts, the lease is renewed while a step works, and a failed step is retried
 * with back-off until {@code jobs.maxAttempts}, then the job fails through its handler.
 *
 * <p>A step that changes a tenant ({@link JobHandler#tenantOf}) runs under that tenant's lease
 * ({@link Leases}), taken before the step and released after it: no two jobs change one tenant at
 * once. A job that finds the lease held is put back, without counting an attempt, and claimed again
 * after {@code jobs.pollInterval}. Cancellation ({@link #cancel}) is honoured before every step.
 *
 * <p>An {@link Error} thrown by a step is not a failed attempt: it leaves the job as a crash
 * would (running, lease lapsing), so that another runner resumes it.
 *
 * <p>Thread-safe; {@link #close()} stops the workers, bounded in time.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /** While a worker cannot reach the control database, one failed poll in this many is logged. */
    private static final int LOG_UNAVAILABLE_EVERY = 100;

    private final JobStore store;
    private final Leases leases;
    private final Map<String, JobHandler> handlers;
    private final SiloConfig.Jobs config;
    private final String worker;
    private final StepObserver observer;
    private final JobSignal signal;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("job-lease-renewal").daemon().factory());
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running;

    public JobRunner(
            JobStore store,
            Leases leases,
            List<JobHandler> handlers,
            SiloConfig.Jobs config,
            String worker,
            StepObserver observer,
            JobSignal signal) {
        this.store = store;
        this.leases = leases;
        this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(JobHandler::kind, Function.identity()));
        this.config = config;
        this.worker = worker;
        this.observer = observer;
        this.signal = signal;
    }

    /** Starts the background workers. */
    public synchronized void start() {
        running = true;
        for (int i = 0; i < config.workers(); i++) {
            workers.add(Thread.ofVirtual().name("job-worker-" + i).start(this::work));
        }
    }

    /**
     * Runs a job in the calling thread when it can be claimed, else waits for whoever runs it,
     * at most {@code wait}. Returns the job as it stands then: finished, or still under way.
     */
    public Job runNow(UUID id, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        String claim = claimToken();
        Optional<Job> claimed = store.claim(id, claim, config.lease());
        claimed.ifPresent(job -> execute(job, claim));
        Job job =
                store.find(id).orElseThrow(() -> ProblemType.JOB_NOT_FOUND.exception("job " + id + " does not exist"));
        while (!job.state().finished() && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(50));
            job = store.find(id).orElseThrow();
        }
        return job;
    }

    /**
     * Asks a job to stop: a job not under way is cancelled at once (its handler told), a running one
     * stops at its next step boundary. Cancelling a cancelled job again answers it as it is; a job
     * that succeeded or failed is 409 {@code job-finished}.
     */
    public Job cancel(UUID id) {
        store.find(id)
                .filter(job -> !job.state().finished())
                .filter(job -> Optional.ofNullable(handlers.get(job.kind()))
                        .map(handler -> !handler.cancellable())
                        .orElse(false))
                .ifPresent(job -> {
                    throw ProblemType.JOB_NOT_CANCELLABLE
                            .exception("job " + id + " (" + job.kind() + ") runs to its end once asked for")
                            .with("kind", job.kind());
                });
        Optional<Job> marked = store.requestCancel(id);
        if (marked.isEmpty()) {
            Job job = store.find(id).orElseThrow(() -> ProblemType.JOB_NOT_FOUND.exception("no job " + id));
            if (job.state() != JobState.CANCELLED) {
                throw ProblemType.JOB_FINISHED.exception("job " + id + " (" + job.kind() + ") has already "
                        + job.state().value());
            }
            return job;
        }
        Job job = marked.get();
        if (job.state() == JobState.CANCELLED) {
            log.info("job {} ({}) cancelled before it ran on", job.id(), job.kind());
            Optional.ofNullable(handlers.get(job.kind())).ifPresent(handler -> handler.cancelled(job));
        } else {
            log.info("job {} ({}) asked to stop; it stops at its next step boundary", job.id(), job.kind());
        }
        return job;
    }

    private void work() {
        int unavailable = 0;
        while (running) {
            try {
                String claim = claimToken();
                Optional<Job> job = store.claimNext(claim, config.lease());
                if (unavailable > 0) {
                    log.info("job worker {} claims jobs again after {} failed polls", worker, unavailable);
                    unavailable = 0;
                }
                if (job.isPresent()) {
                    execute(job.get(), claim);
                } else {
                    signal.await(config.pollInterval());
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                if (!running) {
                    return;
                }
                if (e instanceof SiloException silo && silo.kind() == ErrorKind.UNAVAILABLE) {
                    // the control database away: expected, and polled for again; one line now and then, no trace
                    unavailable++;
                    if (unavailable == 1 || unavailable % LOG_UNAVAILABLE_EVERY == 0) {
                        log.warn(
                                "job worker {} cannot claim jobs ({}); polling goes on (failure {})",
                                worker,
                                describe(silo),
                                unavailable);
                    }
                } else {
                    log.error("job worker {} hit an unexpected failure; continuing", worker, e);
                }
                sleep(config.pollInterval());
            }
        }
    }

    /**
     * A claim is this runner's name plus a fresh token, so that the lease belongs to one execution:
     * two executions in one process (an inline {@link #runNow} and a background worker) never pass
     * for each other.
     */
    private String claimToken() {
        return worker + "#" + Secrets.token(6);
    }

    private void execute(Job job, String claim) {
        JobHandler handler = handlers.get(job.kind());
        if (handler == null) {
            store.fail(job.id(), claim, "no handler for job kind " + job.kind());
            return;
        }
        MDC.put("requestId", "job:" + job.id());
        job.tenantId().ifPresent(tenant -> MDC.put("tenant", tenant.toString()));
        try {
            int attempts = job.attempts();
            for (int index = job.nextStep(); index < job.steps().size(); index++) {
                String step = job.steps().get(index);
                if (store.cancelIfRequested(job.id(), claim)) {
                    log.info("job {} ({}) cancelled before step {}", job.id(), job.kind(), step);
                    handler.cancelled(job);
                    return;
                }
                Optional<String> tenantLease = handler.tenantOf(job, step).map(Leases::tenant);
                if (tenantLease.isPresent() && !leases.tryAcquire(tenantLease.get(), claim, config.lease())) {
                    log.debug("job {} ({}) waits for {} held by another job", job.id(), job.kind(), tenantLease.get());
                    store.waitForTenant(
                            job.id(),
                            claim,
                            "waiting for " + tenantLease.get() + ", held by another job",
                            config.pollInterval());
                    return;
                }
                boolean stepped;
                try {
                    // inside the try: an observer that throws (a test's simulated crash) would otherwise
                    // keep the tenant from every other job until the lease lapses
                    observer.beforeStep(job, step);
                    stepped = runStep(handler, job, step, attempts, claim, tenantLease);
                } finally {
                    tenantLease.ifPresent(name -> leases.release(name, claim));
                }
                if (!stepped) {
                    return;
                }
                attempts = 0;
                if (!store.stepDone(job.id(), claim, index + 1, config.lease())) {
                    log.warn(
                            "job {} ({}) lost its lease after step {}; another runner continues it",
                            job.id(),
                            job.kind(),
                            step);
                    return;
                }
            }
            if (store.succeed(job.id(), claim)) {
                handler.succeeded(job);
            }
            log.info("job {} ({}) succeeded", job.id(), job.kind());
        } finally {
            MDC.remove("requestId");
            MDC.remove("tenant");
        }
    }

    /** Runs one step under a renewed lease; false when it failed (and was scheduled or failed for good). */
    private boolean runStep(
            JobHandler handler, Job job, String step, int attemptsSoFar, String claim, Optional<String> tenantLease) {
        long renewEvery = Math.max(100, config.lease().toMillis() / 3);
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(
                () -> renew(job, claim, tenantLease), renewEvery, renewEvery, TimeUnit.MILLISECONDS);
        long started = System.nanoTime();
        try {
            handler.run(job, step);
            log.debug(
                    "job {} ({}) step {} took {} ms",
                    job.id(),
                    job.kind(),
                    step,
                    (System.nanoTime() - started) / 1_000_000);
            return true;
        } catch (Exception e) {
            int attempts = attemptsSoFar + 1;
            String reason = "step " + step + ": " + describe(e);
            if (attempts >= config.maxAttempts() || isPermanent(e)) {
                log.error("job {} ({}) failed at {} after {} attempts", job.id(), job.kind(), step, attempts, e);
                heartbeat.cancel(false);
                // record the failure first and only while the lease is ours: then exactly one runner tells the handler
                if (store.fail(job.id(), claim, reason)) {
                    handler.failed(job, reason);
                }
            } else {
                Duration delay = backoff(attempts);
                log.warn(
                        "job {} ({}) attempt {} of {} failed at {}; retrying in {} ms: {}",
                        job.id(),
                        job.kind(),
                        attempts,
                        config.maxAttempts(),
                        step,
                        delay.toMillis(),
                        describe(e));
                store.retryLater(job.id(), claim, reason, delay);
            }
            return false;
        } finally {
            heartbeat.cancel(false);
        }
    }

    /** A broken rule (a taken name, a missing template) will not heal by waiting; retrying is pointless. */
    private static boolean isPermanent(Exception e) {
        return e instanceof SiloException silo
                && switch (silo.kind()) {
                    case INVALID, UNPROCESSABLE, CONFLICT, NOT_FOUND, FORBIDDEN -> true;
                    default -> false;
                };
    }

    private void renew(Job job, String claim, Optional<String> tenantLease) {
        try {
            tenantLease.ifPresent(name -> leases.renew(name, claim, config.lease()));
            if (!store.renew(job.id(), claim, config.lease())) {
                log.warn(
                        "job {} ({}) lost its lease; the step under way finishes, but its result is not recorded",
                        job.id(),
                        job.kind());
            }
        } catch (RuntimeException e) {
            log.warn("could not renew the lease of job {}: {}", job.id(), e.getMessage());
        }
    }

    private static Duration backoff(int attempts) {
        Duration delay = Duration.ofMillis(250L << Math.min(attempts, 10));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null
                ? e.getClass().getSimpleName()
                : message.lines().findFirst().orElse(message);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        workers.forEach(Thread::interrupt);
        for (Thread thread : workers) {
            try {
                if (!thread.join(Duration.ofSeconds(10))) {
                    log.warn(
                            "job worker {} did not stop within 10 s; its job resumes elsewhere after the lease",
                            thread.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        workers.clear();
        heartbeats.shutdownNow();
    }
}
