package io.silo.bench.stack;

import io.silo.bench.system.ProcFs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;

/**
 * What Silo's memory does during a long phase: every {@code period}, its resident memory and its
 * live objects, counted by {@code jcmd GC.class_histogram} in a pause after a full collection (the
 * heap's "used" figure would also count what the load allocated since the collection, tens of MB a
 * second under ZGC); then the slope of each over all but the first {@code settle}, by least squares,
 * and the classes that grew most from the first settled sample to the last. A leak shows as a slope
 * that does not come down to zero, and names its classes.
 *
 * <p>Thread-safe.
 */
public final class Soak implements AutoCloseable {

    /** One sample: when, in minutes since the start, and the two figures in bytes. */
    public record Sample(double minute, long residentBytes, long heapAfterGcBytes) {}

    /**
     * The memory of a soak.
     *
     * @param samples every sample, in order
     * @param settleMinutes the first minutes, left out of the slopes
     * @param residentSlope resident memory, bytes per minute over the rest
     * @param heapSlope live objects after a full collection, bytes per minute over the rest
     * @param grown the classes whose live objects grew most over the rest (bytes), largest first
     */
    public record Figures(
            List<Sample> samples,
            double settleMinutes,
            double residentSlope,
            double heapSlope,
            List<ClassHistogram.Growth> grown) {
        public Figures {
            samples = List.copyOf(samples);
            grown = List.copyOf(grown);
        }
    }

    private final long pid;
    private final Duration settle;
    private final long start = System.nanoTime();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private volatile Optional<ClassHistogram> firstSettled = Optional.empty();
    private volatile Optional<ClassHistogram> last = Optional.empty();
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts sampling the JVM {@code pid}. */
    public Soak(long pid, Duration period, Duration settle) {
        this.pid = pid;
        this.settle = settle;
        this.thread = Thread.ofVirtual().name("soak-sampler").start(() -> {
            while (running) {
                try {
                    sample();
                } catch (RuntimeException e) {
                    // jcmd failed once (Silo busy past its timeout): a sample fewer, the soak goes on
                }
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void sample() {
        double minute = (System.nanoTime() - start) / 60e9;
        Optional<Long> resident = ProcFs.residentBytes(pid);
        ClassHistogram live = ClassHistogram.of(pid);
        if (resident.isPresent()) {
            samples.add(new Sample(minute, resident.get(), live.totalBytes()));
        }
        if (minute >= settle.toMillis() / 60_000.0) {
            if (firstSettled.isEmpty()) {
                firstSettled = Optional.of(live);
            }
            last = Optional.of(live);
        }
    }

    /** Stops sampling; the figures of what was sampled. */
    public Figures stop() {
        close();
        double settleMinutes = settle.toMillis() / 60_000.0;
        List<Sample> settled = new ArrayList<>(
                samples.stream().filter(s -> s.minute() >= settleMinutes).toList());
        List<ClassHistogram.Growth> grown = firstSettled
                .flatMap(before -> last.map(after -> before.grownInto(after, 5)))
                .orElse(List.of());
        return new Figures(
                samples,
                settleMinutes,
                slope(settled, Sample::residentBytes),
                slope(settled, Sample::heapAfterGcBytes),
                grown);
    }

    /** The least-squares slope of {@code value} over minutes; 0 with fewer than two samples. */
    static double slope(List<Sample> samples, ToLongFunction<Sample> value) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double meanX = samples.stream().mapToDouble(Sample::minute).average().orElse(0);
        double meanY = samples.stream().mapToLong(value).average().orElse(0);
        double covariance = 0;
        double variance = 0;
        for (Sample sample : samples) {
            double dx = sample.minute() - meanX;
            covariance += dx * (value.applyAsLong(sample) - meanY);
            variance += dx * dx;
        }
        return variance == 0 ? 0 : covariance / variance;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(70));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
