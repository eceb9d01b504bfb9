package io.silo.http.admin;

import io.silo.app.migration.RolloutRequest;
import io.silo.app.migration.RolloutResult;
import io.silo.app.migration.Rollouts;
import io.silo.app.session.Principal;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/admin/migrations}: a rollout of a service's newest version to its existing
 * databases. 202 with the job when one starts; 200 with the plan for a dry run, or with
 * {@code nothingToDo} when every database is current.
 *
 * <p>Thread-safe.
 */
public final class MigrationEndpoints implements Endpoints {
    private final Rollouts rollouts;
    private final Authenticator authenticator;

    public MigrationEndpoints(Rollouts rollouts, Authenticator authenticator) {
        this.rollouts = rollouts;
        this.authenticator = authenticator;
    }

    /** The body as it arrives: any field may be missing (null). */
    record Body(
            String service,
            List<String> tenants,
            Boolean dryRun,
            Integer parallel,
            Integer canary,
            Boolean autoContinue,
            Boolean continueAfterCanary) {
        RolloutRequest request() {
            return new RolloutRequest(
                    service == null ? "" : service,
                    tenants == null ? List.of() : tenants,
                    Boolean.TRUE.equals(dryRun),
                    Optional.ofNullable(parallel),
                    Optional.ofNullable(canary),
                    Boolean.TRUE.equals(autoContinue),
                    Boolean.TRUE.equals(continueAfterCanary));
        }
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/admin/migrations", this::start);
    }

    private void start(Exchange exchange) {
        Principal admin = authenticator.platformAdmin(exchange);
        RolloutResult result = rollouts.start(Bodies.read(exchange, Body.class).request(), Actors.of(exchange, admin));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", result.service());
        body.put("version", result.version());
        switch (result) {
            case RolloutResult.NothingToDo nothing -> {
                body.put("nothingToDo", true);
                exchange.json(body);
            }
            case RolloutResult.DryRun dryRun -> {
                body.put("nothingToDo", false);
                body.put("dryRun", true);
                body.put("databases", dryRun.databases());
                exchange.json(body);
            }
            case RolloutResult.Started started -> {
                body.put("job", started.jobId().toString());
                body.put("databases", started.databases());
                body.put("parallel", started.parallel());
                exchange.header("Location", "/api/admin/jobs/" + started.jobId());
                exchange.status(202).json(body);
            }
        }
    }
}
