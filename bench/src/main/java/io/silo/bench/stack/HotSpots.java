package io.silo.bench.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's CPU samples were: the methods on top of the stack (self time), the
 * packages of those methods, and Silo's own methods anywhere on the stack (inclusive time, which
 * names the request-path step that costs the most).
 *
 * @param samples execution samples in the recording
 * @param self methods by their share of samples on top of the stack
 * @param packages the two first segments of those methods' packages, by share
 * @param siloInclusive {@code io.silo} methods by the share of samples they appear in
 */
public record HotSpots(long samples, List<Share> self, List<Share> packages, List<Share> siloInclusive) {

    /** A name and the share of samples it took, 0 to 1. */
    public record Share(String name, double share) {}

    /** Reads the execution samples of a recording and keeps the {@code top} entries of each list. */
    public static HotSpots read(Path recording, int top) {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> packages = new HashMap<>();
        Map<String, Long> silo = new HashMap<>();
        long samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                RecordedStackTrace stack = event.getStackTrace();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")
                        || stack == null
                        || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = stack.getFrames();
                String topType = frames.getFirst().getMethod().getType().getName();
                self.merge(name(frames.getFirst()), 1L, Long::sum);
                packages.merge(packageOf(topType), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    if (frame.getMethod().getType().getName().startsWith("io.silo.") && seen.add(name(frame))) {
                        silo.merge(name(frame), 1L, Long::sum);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the JFR recording " + recording, e);
        }
        return new HotSpots(samples, top(self, samples, top), top(packages, samples, top), top(silo, samples, top));
    }

    private static String name(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "."
                + frame.getMethod().getName() + " (" + packageOf(type) + ")";
    }

    private static String packageOf(String type) {
        String[] parts = type.split("\\.");
        if (parts.length <= 2) {
            return type;
        }
        // io.silo.app, io.silo.http, org.postgresql.core, com.zaxxer.hikari; but java.util, sun.security, tools.jackson
        boolean deep = parts.length > 3 && (parts[0].equals("io") || parts[0].equals("com") || parts[0].equals("org"));
        return parts[0] + "." + parts[1] + (deep ? "." + parts[2] : "");
    }

    private static List<Share> top(Map<String, Long> counts, long samples, int limit) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(limit)
                .map(entry -> new Share(entry.getKey(), samples == 0 ? 0 : (double) entry.getValue() / samples))
                .toList();
    }
}
