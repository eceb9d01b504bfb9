package io.silo.bench.stack;

import io.silo.bench.system.ProcFs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Silo's memory does during a long phase: every {@code period}, its resident memory and its
 * heap right after a full collection (asked of the JVM with {@code jcmd GC.run}, then read with
 * {@code GC.heap_info}); then the slope of each over all but the first {@code settle}, by least
 * squares. A leak shows as a slope that does not come down to zero.
 *
 * <p>Thread-safe.
 */
public final class Soak implements AutoCloseable {
    /** G1 and Serial print {@code "… heap total 241664K, used 158286K"}, ZGC {@code "ZHeap used 62M, capacity …"}. */
    private static final Pattern HEAP_USED = Pattern.compile("(?:heap\\s+total[^\\n]*?|ZHeap\\s+)used (\\d+)([KMG])");

    /** One sample: when, in minutes since the start, and the two figures in bytes. */
    public record Sample(double minute, long residentBytes, long heapAfterGcBytes) {}

    /**
     * The memory of a soak.
     *
     * @param samples every sample, in order
     * @param settleMinutes the first minutes, left out of the slopes
     * @param residentSlope resident memory, bytes per minute over the rest
     * @param heapSlope heap after a full collection, bytes per minute over the rest
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
    private volatile Optional<ClassHistogram> settled = Optional.empty();
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts sampling the JVM {@code pid}. */
    public Soak(long pid, Duration period, Duration settle) {
        this.pid = pid;
        this.settle = settle;
        this.thread = Thread.ofVirtual().name("soak-sampler").start(() -> {
            while (running) {
                sample();
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
        Jcmd.run(pid, "GC.run");
        Optional<Long> heap = heapUsedBytes(Jcmd.run(pid, "GC.heap_info"));
        if (resident.isPresent() && heap.isPresent()) {
            samples.add(new Sample(minute, resident.get(), heap.get()));
        }
        if (settled.isEmpty() && minute >= settle.toMillis() / 60_000.0) {
            settled = Optional.of(ClassHistogram.of(pid));
        }
    }

    /** The heap in use, from what {@code jcmd GC.heap_info} printed. */
    static Optional<Long> heapUsedBytes(String heapInfo) {
        Matcher used = HEAP_USED.matcher(heapInfo);
        if (!used.find()) {
            return Optional.empty();
        }
        int shift = switch (used.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            default -> 30;
        };
        return Optional.of(Long.parseLong(used.group(1)) << shift);
    }

    /**
     * Stops sampling; the figures of what was sampled, with the classes that grew most from the first
     * settled sample to now.
     */
    public Figures stop() {
        close();
        double settleMinutes = settle.toMillis() / 60_000.0;
        List<Sample> settledSamples = new ArrayList<>(
                samples.stream().filter(s -> s.minute() >= settleMinutes).toList());
        List<ClassHistogram.Growth> grown = settled.map(before -> before.grownInto(ClassHistogram.of(pid), 5))
                .orElse(List.of());
        return new Figures(
                samples,
                settleMinutes,
                slope(settledSamples, Sample::residentBytes),
                slope(settledSamples, Sample::heapAfterGcBytes),
                grown);
    }

    /** The least-squares slope of {@code value} over minutes; 0 with fewer than two samples. */
    static double slope(List<Sample> samples, java.util.function.ToLongFunction<Sample> value) {
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
