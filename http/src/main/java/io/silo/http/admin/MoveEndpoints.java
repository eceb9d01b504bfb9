package io.silo.http.admin;

import io.silo.app.move.Moves;
import io.silo.app.organization.OrganizationJson;
import io.silo.app.session.Principal;
import io.silo.error.ProblemType;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.job.Job;
import io.silo.postgres.move.MoveJob;
import java.time.Duration;

/**
 * {@code POST /api/admin/organizations/{org}/move}, for platform administrators: moves an
 * organization to another cluster while it keeps working, as a job ({@value MoveJob#KIND}) that the
 * job workers run; 202 with the job, whose steps and, once it ran, method, rows verified and write
 * fence {@code GET /api/admin/jobs/{id}} shows. A move that cannot start is a 409 {@code
 * move-refused}, before anything changes. {@code POST /api/admin/clusters/{id}/drain} takes a cluster
 * out of placement and moves every organization off it, a few at a time ({@value
 * io.silo.app.move.DrainJob#KIND}).
 *
 * <p>Thread-safe.
 */
public final class MoveEndpoints implements Endpoints {
    private final Moves moves;
    private final Authenticator authenticator;

    public MoveEndpoints(Moves moves, Authenticator authenticator) {
        this.moves = moves;
        this.authenticator = authenticator;
    }

    /** The body as it arrives: any field may be missing (null); {@code service} moves only that service's database. */
    record Body(String cluster, String method, String service) {}

    /** The body of a drain as it arrives: {@code parallel} may be missing (null). */
    record DrainBody(Integer parallel) {}

    @Override
    public void register(Routes routes) {
        routes.post("/api/admin/organizations/{org}/move", this::move);
        routes.post("/api/admin/clusters/{id}/drain", this::drain);
    }

    private void drain(Exchange exchange) {
        Principal admin = authenticator.platformAdmin(exchange);
        DrainBody body = Bodies.read(exchange, DrainBody.class);
        Job job = moves.drain(
                exchange.pathParam("id"),
                body.parallel() == null ? 2 : body.parallel(),
                Actors.of(exchange, admin),
                Duration.ZERO);
        exchange.status(202).header("Location", "/api/admin/jobs/" + job.id()).json(OrganizationJson.job(job));
    }

    private void move(Exchange exchange) {
        Principal admin = authenticator.platformAdmin(exchange);
        Body body = Bodies.read(exchange, Body.class);
        if (body.cluster() == null || body.cluster().isBlank()) {
            throw ProblemType.MISSING_FIELD
                    .exception("field 'cluster' (the cluster to move to) is required")
                    .with("field", "cluster");
        }
        MoveJob.Method method = MoveJob.Method.parse(body.method() == null ? "auto" : body.method());
        Job job = moves.start(
                exchange.pathParam("org"),
                body.cluster(),
                body.service() == null ? java.util.List.of() : java.util.List.of(body.service()),
                method,
                Actors.of(exchange, admin),
                Duration.ZERO);
        exchange.status(202).header("Location", "/api/admin/jobs/" + job.id()).json(OrganizationJson.job(job));
    }
}
