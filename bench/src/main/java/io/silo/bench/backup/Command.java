package io.silo.bench.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A program the benchmark times as an operator would run it: a process of its own, timed from its
 * start to its exit (a JVM's start included), its standard output kept, its errors in a log file.
 * A program that fails fails the run with its last lines.
 *
 * @param seconds wall-clock time from start to exit
 * @param output what it printed on standard output
 */
record Command(double seconds, String output) {

    /** Runs {@code command} with {@code env} added to (and {@code SILO_*} removed from) the benchmark's environment. */
    static Command run(List<String> command, Map<String, String> env, Path log) {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the benchmark's own SILO_* variables must not reach Silo: the run says what it is configured with
        builder.environment().keySet().removeIf(name -> name.startsWith("SILO_"));
        builder.environment().putAll(env);
        long start = System.nanoTime();
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (exit != 0) {
                throw new IllegalStateException(
                        command.getFirst() + " … " + command.get(Math.min(3, command.size() - 1)) + " exited with "
                                + exit + ":\n" + output + tail(log));
            }
            return new Command(seconds, output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
