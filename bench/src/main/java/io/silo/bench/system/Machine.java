package io.silo.bench.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The machine a run happened on, for the report.
 *
 * @param processors what the JVM sees ({@code nproc})
 * @param model the CPU model from {@code /proc/cpuinfo}
 * @param memoryBytes physical memory
 * @param loadAverage the one-minute load average when the run started: a machine shared with other work shows here
 * @param os the kernel and architecture
 */
public record Machine(int processors, String model, long memoryBytes, double loadAverage, String os) {

    public static Machine describe() {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                cpuModel().orElse("unknown CPU"),
                memory().orElse(0L),
                currentLoadAverage(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
    }

    /** The one-minute load average now; -1 when unknown. */
    public static double currentLoadAverage() {
        return read("/proc/loadavg")
                .map(text -> Double.parseDouble(text.trim().split("\\s+")[0]))
                .orElse(-1.0);
    }

    private static Optional<String> cpuModel() {
        return read("/proc/cpuinfo")
                .flatMap(text -> text.lines()
                        .filter(line -> line.startsWith("model name"))
                        .findFirst())
                .map(line -> line.substring(line.indexOf(':') + 1).trim());
    }

    private static Optional<Long> memory() {
        return read("/proc/meminfo")
                .flatMap(text -> text.lines()
                        .filter(line -> line.startsWith("MemTotal:"))
                        .findFirst())
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
    }

    private static Optional<String> read(String file) {
        try {
            return Optional.of(Files.readString(Path.of(file)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
