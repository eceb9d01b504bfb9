package io.silo.http.mail;

import io.silo.app.mail.LocalMailbox;
import io.silo.app.mail.Mailer;
import io.silo.error.ProblemType;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Paging;
import io.silo.http.server.Routes;
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
    public void register(Routes routes) {
        routes.get("/api/admin/mail", this::list);
        routes.get("/api/admin/mail/{id}", this::read);
    }

    private void list(Exchange exchange) {
        authenticator.platformAdmin(exchange);
        int limit = Paging.limit(exchange, 50, 500);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transport", mailer.mailbox().isPresent() ? "local" : "smtp");
        body.put(
                "items",
                mailer.mailbox()
                        .map(mailbox -> mailbox.list(limit).stream()
                                .map(MailEndpoints::json)
                                .toList())
                        .orElse(List.of()));
        exchange.json(body);
    }

    private void read(Exchange exchange) {
        authenticator.platformAdmin(exchange);
        LocalMailbox mailbox = mailer.mailbox()
                .orElseThrow(
                        () -> ProblemType.MAIL_NOT_FOUND.exception("mail is sent by SMTP; there is no local mailbox"));
        exchange.json(json(mailbox.read(exchange.pathParam("id"))));
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
