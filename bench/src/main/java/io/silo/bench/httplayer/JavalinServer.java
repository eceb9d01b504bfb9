package io.silo.bench.httplayer;

import io.silo.app.Application;
import io.silo.http.auth.Authenticator;
import io.silo.http.data.DataEndpoints;
import io.silo.http.server.HttpMetrics;
import io.silo.http.server.HttpServer;
import java.util.List;

/**
 * Javalin as Silo configures it today ({@link HttpServer}: request ids, problem mapping, timing,
 * virtual threads), with the real data routes and one more for {@code GET /hello}.
 */
final class JavalinServer implements PrototypeServer {
    private final HttpServer server;

    JavalinServer(Application app) {
        server = HttpServer.start(
                "127.0.0.1",
                0,
                List.of(
                        routes -> routes.get("/hello", ctx -> ctx.result("hello")),
                        new DataEndpoints(new Authenticator(app.tokens()), app.documents())),
                new HttpMetrics(app.metrics()));
    }

    @Override
    public String name() {
        return "Javalin 7 (as configured today)";
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
