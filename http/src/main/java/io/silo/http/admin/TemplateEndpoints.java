package io.silo.http.admin;

import io.silo.app.migration.TemplateReload;
import io.silo.app.session.Principal;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/admin/templates/reload}: the services folder read again without a restart, on
 * this instance and then on the others ({@link TemplateReload}). 200 with the services whose newest
 * version rose (none when nothing changed) and every service's newest version this instance serves;
 * 409 {@code template-reload-refused} naming each problem.
 *
 * <p>Thread-safe.
 */
public final class TemplateEndpoints implements Endpoints {
    private final TemplateReload reload;
    private final Authenticator authenticator;

    public TemplateEndpoints(TemplateReload reload, Authenticator authenticator) {
        this.reload = reload;
        this.authenticator = authenticator;
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/admin/templates/reload", this::reload);
    }

    private void reload(Exchange exchange) {
        Principal admin = authenticator.platformAdmin(exchange);
        TemplateReload.Reloaded reloaded = reload.reload(Actors.of(exchange, admin));
        List<Map<String, Object>> raised = reloaded.raised().stream()
                .map(one -> {
                    Map<String, Object> service = new LinkedHashMap<>();
                    service.put("service", one.service());
                    service.put("from", one.from());
                    service.put("to", one.to());
                    return service;
                })
                .toList();
        List<Map<String, Object>> services = reloaded.services().stream()
                .map(template -> {
                    Map<String, Object> service = new LinkedHashMap<>();
                    service.put("service", template.service());
                    service.put("version", template.version());
                    return service;
                })
                .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("raised", raised);
        body.put("services", services);
        exchange.json(body);
    }
}
