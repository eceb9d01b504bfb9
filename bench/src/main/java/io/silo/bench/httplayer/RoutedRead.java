package io.silo.bench.httplayer;

import io.silo.app.Application;
import io.silo.app.document.DataScope;
import io.silo.app.session.Principal;
import io.silo.crypto.Ids;
import io.silo.error.ErrorKind;
import io.silo.error.SiloException;
import io.silo.json.Json;
import io.silo.postgres.collection.Document;
import java.nio.charset.StandardCharsets;

/**
 * The work of {@code GET /api/data/billing/invoices/{id}} without an HTTP framework: verify the bearer
 * token, admit the member, read the document as the tenant's role, serialise it. Every prototype
 * server calls this, so they differ only in their HTTP layer.
 *
 * <p>Thread-safe.
 */
final class RoutedRead {
    /** What to answer. */
    record Answer(int status, byte[] body, String etag) {}

    private final Application app;

    RoutedRead(Application app) {
        this.app = app;
    }

    Answer read(String authorization, String id) {
        try {
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                return problem(401, "missing-token");
            }
            if (!(app.tokens().verify(authorization.substring(7)) instanceof Principal.Member member)) {
                return problem(403, "member-required");
            }
            DataScope scope = app.documents().scope(member, "billing");
            Document document = app.documents().get(scope, "invoices", Ids.parse(id, "id"));
            return new Answer(
                    200,
                    Json.write(document.toJson()).getBytes(StandardCharsets.UTF_8),
                    "\"" + document.version() + "\"");
        } catch (SiloException e) {
            return problem(
                    e.kind() == ErrorKind.NOT_FOUND ? 404 : e.kind() == ErrorKind.UNAUTHENTICATED ? 401 : 500,
                    e.type());
        }
    }

    private static Answer problem(int status, String type) {
        return new Answer(status, ("{\"type\":\"" + type + "\"}").getBytes(StandardCharsets.UTF_8), "");
    }
}
