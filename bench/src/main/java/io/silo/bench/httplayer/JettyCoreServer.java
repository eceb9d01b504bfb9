package io.silo.bench.httplayer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty 12's core API, no servlet and no framework: one handler that routes by prefix, handling on
 * virtual threads as Silo's Javalin does, with the same header-cache setting.
 */
final class JettyCoreServer implements PrototypeServer {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);
    private static final String READ_PREFIX = "/api/data/billing/invoices/";

    private final Server server;
    private final ServerConnector connector;

    JettyCoreServer(RoutedRead read) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setHeaderCacheSize(0);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                if (path.equals("/hello")) {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                    response.write(true, ByteBuffer.wrap(HELLO), callback);
                    return true;
                }
                if (path.startsWith(READ_PREFIX) && "GET".equals(request.getMethod())) {
                    RoutedRead.Answer answer = read.read(
                            request.getHeaders().get(HttpHeader.AUTHORIZATION), path.substring(READ_PREFIX.length()));
                    response.setStatus(answer.status());
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    if (!answer.etag().isEmpty()) {
                        response.getHeaders().put(HttpHeader.ETAG, answer.etag());
                    }
                    response.write(true, ByteBuffer.wrap(answer.body()), callback);
                    return true;
                }
                return false; // Jetty answers 404
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not start", e);
        }
    }

    @Override
    public String name() {
        return "Jetty 12 core handler";
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // the benchmark is ending anyway
        }
    }
}
