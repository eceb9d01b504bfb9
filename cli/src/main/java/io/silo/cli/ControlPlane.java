package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.SiloOptions;
import io.silo.config.SiloConfig;
import io.silo.job.StepObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The control plane for a CLI command, in-process and without HTTP. With an external database
 * it connects there. With the embedded one it attaches to the PostgreSQL of a running
 * {@code silo serve} (its port is in {@code postmaster.pid}), or starts the embedded server for
 * the duration of the command when none runs.
 */
final class ControlPlane {
    private ControlPlane() {}

    static Application open(SiloConfig config) {
        return open(config, StepObserver.NONE);
    }

    /** The control plane with {@code observer} seeing each step of the jobs the command runs inline. */
    static Application open(SiloConfig config, StepObserver observer) {
        return Application.start(
                attachToRunningEmbedded(config), SiloOptions.headless().withStepObserver(observer));
    }

    private static SiloConfig attachToRunningEmbedded(SiloConfig config) {
        if (config.database().isPresent()) {
            return config;
        }
        Path home = config.dataDir().resolve("postgres");
        return runningPort(home.resolve("pgdata/postmaster.pid"))
                .flatMap(port -> password(home)
                        .map(password -> config.withDatabase(new SiloConfig.Database(
                                "jdbc:postgresql://localhost:" + port + "/silo", "postgres", password))))
                .orElse(config);
    }

    /** The port of a live postmaster: line 4 of postmaster.pid, when the pid on line 1 is alive. */
    private static Optional<Integer> runningPort(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.of(Integer.parseInt(lines.get(3).trim()));
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> password(Path home) {
        try {
            return Optional.of(
                    Files.readString(home.resolve("superuser.password")).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
