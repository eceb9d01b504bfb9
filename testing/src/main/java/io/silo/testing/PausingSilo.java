package io.silo.testing;

import io.silo.app.SiloOptions;
import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import io.silo.http.Silo;
import java.util.Optional;

/**
 * The main class of a {@link ChildSilo}: a Silo server configured from its environment that prints
 * {@code PORT <port>} once it listens. With {@code SILO_TEST_PAUSE_AT} set, it stops, forever,
 * before the job step of that name, after printing {@code PAUSED <step>}: the moment the parent
 * test kills it with SIGKILL.
 */
public final class PausingSilo {
    static final String PAUSE_AT = "SILO_TEST_PAUSE_AT";

    private PausingSilo() {}

    public static void main(String[] args) throws InterruptedException {
        SiloConfig config = SiloConfig.from(ConfigSource.ofEnv(System.getenv()));
        SiloOptions options = SiloOptions.server();
        Optional<String> pauseAt = Optional.ofNullable(System.getenv(PAUSE_AT));
        if (pauseAt.isPresent()) {
            options = options.withStepObserver((job, step) -> {
                if (step.equals(pauseAt.get())) {
                    pause(step);
                }
            });
        }
        Silo silo = Silo.start(config, options);
        System.out.println("PORT " + silo.port());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void pause(String step) {
        System.out.println("PAUSED " + step);
        System.out.flush();
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
