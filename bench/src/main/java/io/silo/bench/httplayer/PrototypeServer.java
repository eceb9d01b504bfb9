package io.silo.bench.httplayer;

/** One HTTP layer serving {@code GET /hello} and the routed read; closing stops it. */
interface PrototypeServer extends AutoCloseable {
    /** The name in the report, e.g. {@code Jetty 12 core}. */
    String name();

    int port();

    @Override
    void close();
}
