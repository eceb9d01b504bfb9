package io.silo.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the tools the benchmark runs when they are installed, such as {@code pgbench} and {@code wrk}. */
final class Executables {
    private Executables() {}

    /** Where {@code name} is on the PATH, if it is. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
