package io.silo.http.console;

import io.silo.error.ProblemType;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The admin console at {@code /admin/}: a handful of static files (HTML, CSS, JavaScript) read from
 * the class path once, at start-up. The console holds no privilege of its own: its script calls the
 * same {@code /api/…} routes as any client, with the administrator's token, which it keeps in memory
 * only (docs/security.md, "The admin console").
 *
 * <p>Every file is answered with a Content-Security-Policy that allows scripts, styles and requests
 * from this origin only, and no inline script or style, so that a value that slipped through
 * unescaped still could not run; framing, sniffing and referrers stay forbidden as on every answer.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConsoleEndpoints implements Endpoints {
    /** Where the files live on the class path. */
    static final String RESOURCES = "/io/silo/http/console/";

    /** The console's files, by the name under {@code /admin/}. */
    static final List<String> FILES = List.of("index.html", "console.css", "console.js", "charts.js");

    /** Allows this origin's files and API only; no inline script or style, no plug-ins, no framing. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    private final Map<String, Asset> assets;

    private ConsoleEndpoints(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /** Reads the shipped files; a missing one stops start-up rather than serving half a console. */
    public static ConsoleEndpoints load() {
        return new ConsoleEndpoints(
                FILES.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), ConsoleEndpoints::read)));
    }

    private static Asset read(String name) {
        try (InputStream in = ConsoleEndpoints.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the console's file " + RESOURCES + name + " is missing");
            }
            return new Asset(contentType(name), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's file " + name, e);
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "text/javascript; charset=utf-8";
    }

    @Override
    public void register(Routes routes) {
        routes.page("/admin", exchange -> serve(exchange, "index.html"));
        routes.page("/admin/{file}", exchange -> serve(exchange, exchange.pathParam("file")));
    }

    private void serve(Exchange exchange, String name) {
        Asset asset = Optional.ofNullable(assets.get(name))
                .orElseThrow(() -> ProblemType.ROUTE_NOT_FOUND.exception("the console has no file " + name));
        // replaces the API's "default-src 'none'"; nosniff, DENY and no-referrer stay as on every answer
        exchange.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                // small files, read again on every visit: a new Silo's console is never mixed with an old one's
                .header("Cache-Control", "no-cache");
        exchange.send(asset.contentType(), asset.text());
    }

    private record Asset(String contentType, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
