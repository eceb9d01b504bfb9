package io.silo.http.organization;

import io.silo.app.organization.OrganizationJson;
import io.silo.app.organization.OrganizationServices;
import io.silo.app.session.Principal;
import io.silo.error.ProblemType;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.job.JobState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The services of an existing organization, for platform administrators:
 * {@code POST /api/organizations/{org}/services} adds one,
 * {@code DELETE /api/organizations/{org}/services/{service}?confirm={slug}} removes one (its
 * database detached at once, dropped after {@code services.removalGrace}), and
 * {@code POST /api/organizations/{org}/services/{service}/restore} brings a removed one back.
 *
 * <p>Thread-safe.
 */
public final class OrganizationServiceEndpoints implements Endpoints {
    private final OrganizationServices services;
    private final Authenticator authenticator;

    public OrganizationServiceEndpoints(OrganizationServices services, Authenticator authenticator) {
        this.services = services;
        this.authenticator = authenticator;
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/organizations/{org}/services", this::add);
        routes.delete("/api/organizations/{org}/services/{service}", exchange -> {
            Principal admin = authenticator.platformAdmin(exchange);
            exchange.json(body(services.remove(
                    exchange.pathParam("org"),
                    exchange.pathParam("service"),
                    exchange.query("confirm"),
                    Actors.of(exchange, admin))));
        });
        routes.post("/api/organizations/{org}/services/{service}/restore", exchange -> {
            Principal admin = authenticator.platformAdmin(exchange);
            exchange.json(body(services.restore(
                    exchange.pathParam("org"), exchange.pathParam("service"), Actors.of(exchange, admin))));
        });
    }

    private void add(Exchange exchange) {
        Principal admin = authenticator.platformAdmin(exchange);
        String service = Optional.ofNullable(Bodies.read(exchange, OrganizationRequests.AddService.class)
                        .service())
                .filter(text -> !text.isBlank())
                .orElseThrow(() -> ProblemType.MISSING_FIELD
                        .exception("field 'service' must name the service to add, e.g. \"billing\"")
                        .with("field", "service"));
        OrganizationServices.Change change =
                services.add(exchange.pathParam("org"), service, Actors.of(exchange, admin));
        if (change.job().state() == JobState.SUCCEEDED) {
            exchange.status(201).json(body(change));
        } else {
            exchange.header("Location", "/api/admin/jobs/" + change.job().id());
            exchange.status(202).json(body(change));
        }
    }

    private static Map<String, Object> body(OrganizationServices.Change change) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", change.service());
        body.put("database", change.database().map(OrganizationJson::database).orElse(null));
        change.dropAfter().ifPresent(at -> body.put("dropAfter", at.toString()));
        body.put("job", OrganizationJson.job(change.job()));
        return body;
    }
}
