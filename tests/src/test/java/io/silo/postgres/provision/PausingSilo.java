package io.silo.postgres.provision;

import io.silo.app.SiloOptions;
import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import io.silo.http.Silo;

/**
 * A Silo server for a child process that stops, forever, before the job step named by
 * {@code SILO_TEST_PAUSE_AT}, after printing {@code PAUSED <step>}: the moment the parent
 * test kills it with SIGKILL. It prints {@code PORT <port>} once it listens.
 */
public final class PausingSilo {
    private PausingSilo() {}

    public static void main(String[] args) throws InterruptedException {
        String pauseAt = System.getenv("SILO_TEST_PAUSE_AT");
        SiloConfig config = SiloConfig.from(ConfigSource.ofEnv(System.getenv()));
        Silo silo = Silo.start(config, SiloOptions.server().withStepObserver((job, step) -> {
            if (step.equals(pauseAt)) {
                System.out.println("PAUSED " + step);
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        System.out.println("PORT " + silo.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
