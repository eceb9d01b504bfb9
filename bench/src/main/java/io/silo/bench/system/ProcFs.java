package io.silo.bench.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads {@code /proc}. CPU times are in clock ticks ({@code USER_HZ}, 100 on Linux); a process
 * that is gone reads as empty.
 *
 * <p>Thread-safe: stateless.
 */
public final class ProcFs {
    /** Clock ticks per second of {@code /proc} CPU times; 100 on every Linux architecture Silo runs on. */
    public static final int TICKS_PER_SECOND = 100;

    private static final Path PROC = Path.of("/proc");

    private ProcFs() {}

    /** CPU time of the whole machine: all ticks, and those not idle. */
    public record MachineTicks(long total, long busy) {}

    public static Optional<MachineTicks> machine() {
        return read(PROC.resolve("stat"))
                .flatMap(text ->
                        text.lines().filter(line -> line.startsWith("cpu ")).findFirst())
                .map(line -> {
                    long[] values = Stream.of(line.substring(4).trim().split("\\s+"))
                            .mapToLong(Long::parseLong)
                            .toArray();
                    long total = 0;
                    for (int i = 0; i < Math.min(values.length, 8); i++) { // guest times are already in user
                        total += values[i];
                    }
                    long idle = values[3] + (values.length > 4 ? values[4] : 0); // idle + iowait
                    return new MachineTicks(total, total - idle);
                });
    }

    /** The fields of {@code /proc/<pid>/stat} we use. */
    record Stat(long pid, long parent, long userTicks, long systemTicks, long childUserTicks, long childSystemTicks) {
        long own() {
            return userTicks + systemTicks;
        }

        long withReapedChildren() {
            return own() + childUserTicks + childSystemTicks;
        }
    }

    /** CPU ticks used so far by one process (all its threads). */
    public static Optional<Long> processTicks(long pid) {
        return stat(pid).map(Stat::own);
    }

    /**
     * CPU ticks used so far by a process and all its children, live or ended: PostgreSQL's
     * postmaster and its backends. Ended children count through the postmaster's own
     * {@code cutime}/{@code cstime}, live ones are read one by one.
     */
    public static Optional<Long> treeTicks(long pid) {
        for (int attempt = 1; ; attempt++) {
            Optional<Stat> before = stat(pid);
            if (before.isEmpty()) {
                return Optional.empty();
            }
            long children =
                    children(pid).stream().mapToLong(Stat::withReapedChildren).sum();
            Optional<Stat> after = stat(pid);
            // A child that ended while we listed the others is in neither sum; read again until none did.
            if (after.isPresent()
                    && (after.get().withReapedChildren() - after.get().own()
                                    == before.get().withReapedChildren()
                                            - before.get().own()
                            || attempt == 10)) {
                return Optional.of(after.get().withReapedChildren() + children);
            }
        }
    }

    /**
     * CPU ticks used so far by the children a process has waited for, once ended ({@code cutime} and
     * {@code cstime}): for the benchmark's own pid, the programs it ran and saw exit.
     */
    public static Optional<Long> reapedChildrenTicks(long pid) {
        return stat(pid).map(stat -> stat.withReapedChildren() - stat.own());
    }

    /** Resident memory of a process, in bytes. */
    public static Optional<Long> residentBytes(long pid) {
        return read(PROC.resolve(pid + "/status"))
                .flatMap(text ->
                        text.lines().filter(line -> line.startsWith("VmRSS:")).findFirst())
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
    }

    private static List<Stat> children(long parent) {
        try (Stream<Path> entries = Files.list(PROC)) {
            return entries.map(path -> path.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong)
                    .map(ProcFs::stat)
                    .flatMap(Optional::stream)
                    .filter(stat -> stat.parent() == parent)
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static Optional<Stat> stat(long pid) {
        return read(PROC.resolve(pid + "/stat")).map(text -> parse(pid, text));
    }

    /** The command name may hold spaces and parentheses; the fields we want come after its last ')'. */
    static Stat parse(long pid, String text) {
        String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is the state (field 3 of proc(5)), so field n is fields[n - 3]
        return new Stat(
                pid,
                Long.parseLong(fields[1]),
                Long.parseLong(fields[11]),
                Long.parseLong(fields[12]),
                Long.parseLong(fields[13]),
                Long.parseLong(fields[14]));
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
