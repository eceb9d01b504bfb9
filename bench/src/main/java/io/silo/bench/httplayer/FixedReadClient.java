package io.silo.bench.httplayer;

import io.silo.bench.load.Client;
import io.silo.bench.load.HttpConnection;
import io.silo.bench.load.HttpRequests;
import java.io.IOException;

/** Reads one document over one keep-alive connection, again and again. Not thread-safe: one per driver thread. */
final class FixedReadClient implements Client {
    private final HttpConnection connection;
    private final byte[] request;

    FixedReadClient(int port, String path, String token) {
        this.connection = new HttpConnection("127.0.0.1", port);
        this.request = HttpRequests.get("127.0.0.1:" + port, path, token);
    }

    @Override
    public Outcome call() {
        try {
            return new Outcome(connection.send(request), true);
        } catch (IOException e) {
            connection.close();
            return new Outcome(Outcome.NO_ANSWER, true);
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
