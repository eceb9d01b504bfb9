package io.silo.cli;

import io.silo.app.demo.DemoReport;
import io.silo.config.SiloConfig;
import io.silo.http.Silo;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code silo serve}: runs the HTTP API until Ctrl-C or SIGTERM, then shuts down in order. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description =
                "Start Silo: the embedded PostgreSQL unless SILO_DATABASE_URL is set, the control plane, and the HTTP API.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    ConfigOptions options;

    @Option(
            names = "--demo",
            description = "Load the seeds' demo organizations once (docs/demo.md) and listen on 127.0.0.1"
                    + " unless http.host / SILO_HTTP_HOST says otherwise: their passwords are short.")
    boolean demo;

    @Override
    public Integer call() throws InterruptedException {
        SiloConfig config = demo ? options.loadForDemo() : options.load();
        Silo silo = Silo.start(config);
        if (demo) {
            loadDemo(silo);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            silo.close();
                            stopped.countDown();
                        },
                        "silo-shutdown"));
        System.out.println("Silo is listening on " + silo.uri() + "  (Ctrl-C stops it)");
        System.out.println("The admin console: " + silo.uri() + "/admin/");
        stopped.await();
        return 0;
    }

    /** Loads the demo into a started Silo and logs what it did and the accounts; closes it on failure. */
    static DemoReport loadDemo(Silo silo) {
        try {
            DemoReport report = silo.application().demo().load();
            log.info(
                    "Demo: listening on {} because the demo's passwords are short (set http.host or SILO_HTTP_HOST to"
                            + " change it); organizations created {}, finished (an earlier load was cut short) {},"
                            + " already there {}{}",
                    silo.config().http().host(),
                    report.created(),
                    report.resumed(),
                    report.present(),
                    report.leftAlone().isEmpty() ? "" : ", left alone (see the warnings above) " + report.leftAlone());
            // one line each: the log escapes line breaks inside a message
            report.accountTable().lines().forEach(line -> log.info("Demo account  {}", line));
            return report;
        } catch (RuntimeException e) {
            silo.close();
            throw e;
        }
    }
}
