package io.silo.bench.stack;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live objects of a JVM by class, as {@code jcmd GC.class_histogram} prints them (after a full
 * collection), and what grew between two of them: where a heap that does not stay flat goes.
 *
 * @param classes instances and bytes by class name
 */
public record ClassHistogram(Map<String, Count> classes) {

    /** Instances of one class and the bytes they take. */
    public record Count(long instances, long bytes) {}

    /** How much one class grew between two histograms. */
    public record Growth(String className, long instances, long bytes) {}

    public ClassHistogram {
        classes = Map.copyOf(classes);
    }

    /** The histogram of the JVM {@code pid}, now. */
    public static ClassHistogram of(long pid) {
        return parse(Jcmd.run(pid, "GC.class_histogram"));
    }

    /** Reads what {@code jcmd GC.class_histogram} printed: lines {@code "  1:  120  4800  java.lang.String (java.base@25)"}. */
    static ClassHistogram parse(String printed) {
        Map<String, Count> classes = new HashMap<>();
        for (String line : printed.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && fields[0].endsWith(":") && isNumber(fields[1]) && isNumber(fields[2])) {
                classes.merge(
                        fields[3],
                        new Count(Long.parseLong(fields[1]), Long.parseLong(fields[2])),
                        (a, b) -> new Count(a.instances() + b.instances(), a.bytes() + b.bytes()));
            }
        }
        return new ClassHistogram(classes);
    }

    /** The bytes of every live object. */
    public long totalBytes() {
        return classes.values().stream().mapToLong(Count::bytes).sum();
    }

    /** The {@code limit} classes whose bytes grew most from {@code this} to {@code later}, largest first. */
    public List<Growth> grownInto(ClassHistogram later, int limit) {
        return later.classes.entrySet().stream()
                .map(entry -> {
                    Count before = classes.getOrDefault(entry.getKey(), new Count(0, 0));
                    return new Growth(
                            entry.getKey(),
                            entry.getValue().instances() - before.instances(),
                            entry.getValue().bytes() - before.bytes());
                })
                .filter(growth -> growth.bytes() > 0)
                .sorted(Comparator.comparingLong(Growth::bytes).reversed())
                .limit(limit)
                .toList();
    }

    private static boolean isNumber(String field) {
        return !field.isEmpty() && field.chars().allMatch(Character::isDigit);
    }
}
