package io.silo.bench.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How much of the time some task waited for the disk: Linux's pressure stall information
 * ({@code /proc/pressure/io}, the {@code some} line), read from its running total of microseconds.
 * Over a phase it shows when the disk may have set the pace rather than the code: a virtual
 * machine's disk can stall for seconds while it writes almost nothing (the phase's own commits
 * count too). Without that file (an older kernel, another system) nothing is known and nothing is
 * waited for.
 *
 * <p>Thread-safe: stateless.
 */
public final class IoPressure {
    private static final Path FILE = Path.of("/proc/pressure/io");

    private IoPressure() {}

    /** A window opened at one moment: the share of the time since then that some task waited for the disk. */
    public record Window(long startNanos, long startStalledMicros) {
        /** The share of the window so far, 0 to 1; empty when the file can no longer be read. */
        public OptionalDouble share() {
            long elapsedNanos = System.nanoTime() - startNanos;
            return stalledMicros().stream()
                    .mapToDouble(now -> IoPressure.share(now - startStalledMicros, elapsedNanos))
                    .findFirst();
        }
    }

    /** {@code stalledMicros} (the file's unit) as a share of {@code elapsedNanos} (the clock's), 0 to 1. */
    static double share(long stalledMicros, long elapsedNanos) {
        return elapsedNanos <= 0 ? 0 : Math.clamp(stalledMicros * 1_000.0 / elapsedNanos, 0.0, 1.0);
    }

    /** A window from now; empty without pressure stall information. */
    public static Optional<Window> window() {
        return stalledMicros().map(stalled -> new Window(System.nanoTime(), stalled));
    }

    /**
     * Waits until the disk has been quiet, some task waiting for it less than {@code atMost} of a
     * {@code span}, or until {@code limit} has passed.
     *
     * @return how long it waited, and whether the disk was quiet at the end; empty without pressure
     *     stall information (nothing waited for)
     */
    public static Optional<Settled> settle(double atMost, Duration span, Duration limit) {
        long start = System.nanoTime();
        for (int spans = 1; ; spans++) {
            Optional<Window> window = window();
            if (window.isEmpty()) {
                return Optional.empty();
            }
            Pause.sleep(span, "waiting for the disk to settle");
            OptionalDouble share = window.get().share();
            if (share.isEmpty()) {
                return Optional.empty();
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (share.getAsDouble() < atMost || waited.compareTo(limit) >= 0) {
                return Optional.of(new Settled(waited, spans, share.getAsDouble() < atMost, share.getAsDouble()));
            }
        }
    }

    /**
     * What {@link #settle} found.
     *
     * @param waited how long it waited
     * @param spans how many spans it watched: 1 when the disk was quiet at once
     * @param quiet whether the disk was quiet at the end
     * @param share the share of the last span that some task waited for the disk
     */
    public record Settled(Duration waited, int spans, boolean quiet, double share) {}

    /** The running total of microseconds some task waited for the disk. */
    static Optional<Long> stalledMicros() {
        try {
            return Files.readString(FILE)
                    .lines()
                    .filter(line -> line.startsWith("some "))
                    .findFirst()
                    .flatMap(IoPressure::total);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<Long> total(String line) {
        for (String field : line.split("\\s+")) {
            if (field.startsWith("total=")) {
                return Optional.of(Long.parseLong(field.substring("total=".length())));
            }
        }
        return Optional.empty();
    }
}
