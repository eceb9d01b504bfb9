package io.silo.postgres.embedded;

import java.nio.file.Path;

/**
 * A process that starts the embedded server in the folder it is given, says {@value #READY} and
 * waits to be killed: a Silo that dies without stopping its server, for {@link EmbeddedServerStopTest}.
 */
public final class EmbeddedServerProcess {
    static final String READY = "EMBEDDED-SERVER-READY";

    private EmbeddedServerProcess() {}

    public static void main(String[] args) throws InterruptedException {
        EmbeddedServer.start(Path.of(args[0]), 0, false, 20);
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
