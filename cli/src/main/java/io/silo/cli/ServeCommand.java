package io.silo.cli;

import io.silo.config.SiloConfig;
import io.silo.http.Silo;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code silo serve}: runs the HTTP API until Ctrl-C or SIGTERM, then shuts down in order. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description =
                "Start Silo: the embedded PostgreSQL unless SILO_DATABASE_URL is set, the control plane, and the HTTP API.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws InterruptedException {
        SiloConfig config = options.load();
        Silo silo = Silo.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            silo.close();
                            stopped.countDown();
                        },
                        "silo-shutdown"));
        System.out.println("Silo is listening on " + silo.uri() + "  (Ctrl-C stops it)");
        stopped.await();
        return 0;
    }
}
