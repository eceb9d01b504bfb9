package io.silo.http.organization;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.silo.app.organization.OrganizationJson;
import io.silo.app.organization.Organizations;
import io.silo.app.session.Principal;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Paging;
import io.silo.job.JobState;
import io.silo.postgres.control.TenantStore;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The organization routes, all for platform administrators:
 * {@code POST/GET /api/organizations}, {@code GET/PATCH/DELETE /api/organizations/{org}},
 * {@code POST /api/organizations/{org}/suspend|activate}, and {@code GET /api/admin/jobs/{id}}.
 *
 * <p>Thread-safe.
 */
public final class OrganizationEndpoints implements Endpoints {
    private final Organizations organizations;
    private final Authenticator authenticator;

    public OrganizationEndpoints(Organizations organizations, Authenticator authenticator) {
        this.organizations = organizations;
        this.authenticator = authenticator;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/organizations", this::create);
        routes.get("/api/organizations", this::list);
        routes.get("/api/organizations/{org}", ctx -> {
            authenticator.platformAdmin(ctx);
            ctx.json(OrganizationJson.of(organizations.get(ctx.pathParam("org"))));
        });
        routes.patch("/api/organizations/{org}", ctx -> {
            Principal admin = authenticator.platformAdmin(ctx);
            ctx.json(OrganizationJson.of(
                    organizations.update(ctx.pathParam("org"), Bodies.tree(ctx), Actors.of(ctx, admin))));
        });
        routes.delete("/api/organizations/{org}", this::delete);
        routes.post("/api/organizations/{org}/suspend", ctx -> {
            Principal admin = authenticator.platformAdmin(ctx);
            Optional<String> reason = ctx.body().isBlank()
                    ? Optional.empty()
                    : Optional.ofNullable(
                            Bodies.read(ctx, OrganizationRequests.Suspend.class).reason());
            ctx.json(OrganizationJson.of(organizations.suspend(ctx.pathParam("org"), reason, Actors.of(ctx, admin))));
        });
        routes.post("/api/organizations/{org}/activate", ctx -> {
            Principal admin = authenticator.platformAdmin(ctx);
            ctx.json(OrganizationJson.of(organizations.activate(ctx.pathParam("org"), Actors.of(ctx, admin))));
        });
        routes.get("/api/admin/jobs/{id}", ctx -> {
            authenticator.platformAdmin(ctx);
            ctx.json(OrganizationJson.job(organizations.job(jobId(ctx.pathParam("id")))));
        });
    }

    private void create(Context ctx) {
        Principal admin = authenticator.platformAdmin(ctx);
        Organizations.Outcome outcome = organizations.create(
                Bodies.read(ctx, OrganizationRequests.Create.class).command(), Actors.of(ctx, admin));
        Tenant tenant = outcome.tenant()
                .orElseThrow(() -> ProblemType.ORGANIZATION_DELETED.exception(
                        "the organization was deleted while it was being created"));
        Map<String, Object> body = new LinkedHashMap<>(OrganizationJson.of(tenant));
        body.put("job", OrganizationJson.job(outcome.job()));
        ctx.header("Location", "/api/organizations/" + tenant.id());
        ctx.status(tenant.status() == TenantStatus.ACTIVE ? 201 : 202).json(body);
    }

    private void list(Context ctx) {
        authenticator.platformAdmin(ctx);
        Optional<TenantStatus> status =
                Optional.ofNullable(ctx.queryParam("status")).map(OrganizationEndpoints::status);
        TenantStore.Page page = organizations.list(
                status,
                Optional.ofNullable(ctx.queryParam("q")).filter(q -> !q.isBlank()),
                Optional.ofNullable(ctx.queryParam("cursor")).filter(text -> !text.isBlank()),
                Paging.limit(ctx, 50, 500));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(OrganizationJson::of).toList());
        body.put("nextCursor", page.nextCursor().orElse(null));
        ctx.json(body);
    }

    private void delete(Context ctx) {
        Principal admin = authenticator.platformAdmin(ctx);
        Organizations.Outcome outcome = organizations.delete(ctx.pathParam("org"), Actors.of(ctx, admin));
        if (outcome.job().state() == JobState.SUCCEEDED) {
            ctx.status(204);
            return;
        }
        ctx.header("Location", "/api/admin/jobs/" + outcome.job().id());
        ctx.status(202).json(Map.of("job", OrganizationJson.job(outcome.job())));
    }

    private static TenantStatus status(String text) {
        try {
            return TenantStatus.of(text);
        } catch (IllegalArgumentException e) {
            throw ProblemType.INVALID_STATUS
                    .exception("status must be one of provisioning, active, suspended, failed, deleting")
                    .with("field", "status");
        }
    }

    private static UUID jobId(String text) {
        return Ids.parse(text, "id");
    }
}
