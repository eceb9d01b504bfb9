package io.silo.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How far the current step of a job got, as its handler last reported it through {@link
 * JobProgress}. The rate is measured from the first report of the step, not from the step's start:
 * a step resumed after a crash starts counting where it was, and its rate is not inflated by the
 * items done before the crash.
 *
 * @param done items done so far in this step
 * @param failed items that failed (and will not be retried by this step)
 * @param total items the step has in all
 * @param at when this report was made
 * @param firstAt when the first report of this step was made
 * @param firstProcessed {@code done + failed} at the first report
 */
public record StepProgress(long done, long failed, long total, Instant at, Instant firstAt, long firstProcessed) {

    /** Items not yet done or failed; never below zero. */
    public long remaining() {
        return Math.max(0, total - done - failed);
    }

    /** Items per second since the first report, once two reports are apart in time. */
    public Optional<Double> ratePerSecond() {
        double seconds = Duration.between(firstAt, at).toMillis() / 1000.0;
        long processed = done + failed - firstProcessed;
        return seconds <= 0 || processed <= 0 ? Optional.empty() : Optional.of(processed / seconds);
    }

    /** How long the remaining items take at the measured rate. */
    public Optional<Duration> eta() {
        return ratePerSecond().map(rate -> Duration.ofMillis(Math.round(remaining() / rate * 1000)));
    }
}
