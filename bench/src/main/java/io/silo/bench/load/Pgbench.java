package io.silo.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's own benchmark, when it is installed: {@code pgbench -S -M prepared} on a database
 * of its own, for the figure PostgreSQL's documentation and operators quote. The run's baseline is
 * {@link JdbcClient}, on the tenants' own databases; this is the cross-check.
 *
 * <p>Thread-safe: stateless.
 */
public final class Pgbench {
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");
    private static final Pattern VERSION = Pattern.compile("pgbench \\(PostgreSQL\\) ([0-9.]+)");

    private Pgbench() {}

    /**
     * What pgbench reported.
     *
     * @param version the pgbench client's version
     * @param clients {@code -c}
     * @param scale {@code -s} of the initialized database
     * @param seconds {@code -T}
     * @param tps transactions (one SELECT each) per second, without connection time
     * @param latencyMillis the average latency
     */
    public record Result(String version, int clients, int scale, int seconds, double tps, double latencyMillis) {}

    /** Where {@code pgbench} is on the PATH, if it is. */
    public static Optional<Path> find() {
        return Executables.onPath("pgbench");
    }

    /**
     * Initializes {@code database} (which must exist and be empty) at {@code scale}, then runs the
     * select-only script with {@code clients} clients for {@code seconds}.
     */
    public static Result run(
            Path pgbench,
            String host,
            int port,
            String user,
            String password,
            String database,
            int scale,
            int clients,
            int threads,
            int seconds) {
        Map<String, String> env =
                Map.of("PGHOST", host, "PGPORT", Integer.toString(port), "PGUSER", user, "PGPASSWORD", password);
        String version = matched(VERSION, exec(List.of(pgbench.toString(), "--version"), env), "version");
        exec(List.of(pgbench.toString(), "-i", "-q", "-s", Integer.toString(scale), database), env);
        String output = exec(
                List.of(
                        pgbench.toString(),
                        "-S",
                        "-M",
                        "prepared",
                        "-n",
                        "-c",
                        Integer.toString(clients),
                        "-j",
                        Integer.toString(threads),
                        "-T",
                        Integer.toString(seconds),
                        database),
                env);
        return new Result(
                version,
                clients,
                scale,
                seconds,
                Double.parseDouble(matched(TPS, output, "tps")),
                Double.parseDouble(matched(LATENCY, output, "latency")));
    }

    private static String matched(Pattern pattern, String output, String what) {
        Matcher matcher = pattern.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("pgbench printed no " + what + ":\n" + output);
        }
        return matcher.group(1);
    }

    private static String exec(List<String> command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pgbench ran", e);
        }
    }
}
