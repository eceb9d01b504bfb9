package io.silo.http.admin;

import io.silo.app.JobDetails;
import io.silo.app.job.JobAdmin;
import io.silo.app.organization.OrganizationJson;
import io.silo.app.session.Principal;
import io.silo.crypto.Ids;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Paging;
import io.silo.http.server.Routes;
import io.silo.job.Job;
import io.silo.postgres.job.JobStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs, for platform administrators: {@code GET /api/admin/jobs} (newest first, by {@code kind},
 * {@code state} and {@code organization}, paged with {@code cursor}), {@code GET /api/admin/jobs/{id}}
 * with steps and the progress inside the current one, and {@code POST /api/admin/jobs/{id}/cancel}:
 * 200 with the job cancelled, 202 while a running job finishes its step, 409 {@code job-finished}.
 *
 * <p>Thread-safe.
 */
public final class JobEndpoints implements Endpoints {
    private final JobAdmin jobs;
    private final JobDetails details;
    private final Authenticator authenticator;

    public JobEndpoints(JobAdmin jobs, JobDetails details, Authenticator authenticator) {
        this.jobs = jobs;
        this.details = details;
        this.authenticator = authenticator;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/admin/jobs", this::list);
        routes.get("/api/admin/jobs/{id}", exchange -> {
            authenticator.platformAdmin(exchange);
            exchange.json(details.of(Ids.parse(exchange.pathParam("id"), "id")));
        });
        routes.post("/api/admin/jobs/{id}/cancel", exchange -> {
            Principal admin = authenticator.platformAdmin(exchange);
            Job job = jobs.cancel(Ids.parse(exchange.pathParam("id"), "id"), Actors.of(exchange, admin));
            exchange.status(job.state().finished() ? 200 : 202).json(OrganizationJson.job(job));
        });
    }

    private void list(Exchange exchange) {
        authenticator.platformAdmin(exchange);
        JobStore.Page page = jobs.list(new JobAdmin.Query(
                present(exchange, "kind"),
                present(exchange, "state"),
                present(exchange, "organization"),
                present(exchange, "cursor"),
                Paging.limit(exchange, 50, 500)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(OrganizationJson::job).toList());
        body.put("nextCursor", page.nextCursor().orElse(null));
        exchange.json(body);
    }

    private static Optional<String> present(Exchange exchange, String name) {
        return exchange.query(name).filter(text -> !text.isBlank());
    }
}
