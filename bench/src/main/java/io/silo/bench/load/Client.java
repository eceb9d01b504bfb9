package io.silo.bench.load;

/**
 * One simulated client of a load phase: each call sends one request and waits for its answer. A
 * driver gives every client its own thread, so implementations need not be thread-safe.
 */
public interface Client extends AutoCloseable {
    /** What became of one request. */
    record Outcome(int status, boolean hot) {
        /** A request that got no answer: the connection broke or timed out. */
        public static final int NO_ANSWER = -1;

        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** Sends one request and waits for its outcome; a broken connection is an outcome too, never an exception. */
    Outcome call();

    @Override
    void close();
}
