package io.silo.server.mail;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.silo.server.auth.Authenticator;
import io.silo.server.http.Endpoints;
import io.silo.server.http.Paging;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/admin/mail} and {@code GET /api/admin/mail/{id}}: the local mailbox, for
 * platform administrators. With SMTP configured there is no local mailbox and the list is empty.
 *
 * <p>Thread-safe.
 */
public final class MailEndpoints implements Endpoints {
    private final Mailer mailer;
    private final Authenticator authenticator;

    public MailEndpoints(Mailer mailer, Authenticator authenticator) {
        this.mailer = mailer;
        this.authenticator = authenticator;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/admin/mail", this::list);
        routes.get("/api/admin/mail/{id}", this::read);
    }

    private void list(Context ctx) {
        authenticator.platformAdmin(ctx);
        int limit = Paging.limit(ctx, 50, 500);
        Map<String, Object> body = new LinkedHashMap<>();
        if (mailer instanceof LocalMailbox mailbox) {
            body.put("transport", "local");
            body.put(
                    "items",
                    mailbox.list(limit).stream().map(MailEndpoints::json).toList());
        } else {
            body.put("transport", "smtp");
            body.put("items", List.of());
        }
        ctx.json(body);
    }

    private void read(Context ctx) {
        authenticator.platformAdmin(ctx);
        if (!(mailer instanceof LocalMailbox mailbox)) {
            throw io.silo.error.SiloException.notFound(
                    "mail-not-found", "mail is sent by SMTP; there is no local mailbox");
        }
        ctx.json(json(mailbox.read(ctx.pathParam("id"))));
    }

    private static Map<String, Object> json(LocalMailbox.Stored message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", message.id());
        body.put("from", message.from());
        body.put("to", message.to());
        body.put("subject", message.subject());
        body.put("date", message.date().toString());
        message.text().ifPresent(text -> body.put("text", text));
        return body;
    }
}
