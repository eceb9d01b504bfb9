package io.silo.bench.httplayer;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.nio.charset.StandardCharsets;

/** Helidon SE 4 (its own HTTP/1.1 server on virtual threads): two routes. */
final class HelidonServer implements PrototypeServer {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

    private final WebServer server;

    HelidonServer(RoutedRead read) {
        server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(routing -> routing.get("/hello", (request, response) -> response.send(HELLO))
                        .get("/api/data/billing/invoices/{id}", (request, response) -> {
                            RoutedRead.Answer answer = read.read(
                                    request.headers()
                                            .first(HeaderNames.AUTHORIZATION)
                                            .orElse(null),
                                    request.path().pathParameters().get("id"));
                            response.status(answer.status());
                            response.header(HeaderNames.CONTENT_TYPE, "application/json");
                            if (!answer.etag().isEmpty()) {
                                response.header(HeaderNames.ETAG, answer.etag());
                            }
                            response.send(answer.body());
                        }))
                .build()
                .start();
    }

    @Override
    public String name() {
        return "Helidon SE 4";
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
