package io.silo.http.organization;

import io.silo.app.identity.Users;
import io.silo.app.organization.OrganizationJson;
import io.silo.app.organization.Organizations;
import io.silo.app.session.Principal;
import io.silo.error.ProblemType;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Paging;
import io.silo.http.server.Routes;
import io.silo.job.JobState;
import io.silo.postgres.control.TenantStore;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The organization routes, for platform administrators (an organization's administrator may patch
 * its own {@code passwordPolicy}):
 * {@code POST/GET /api/organizations}, {@code GET/PATCH/DELETE /api/organizations/{org}},
 * {@code POST /api/organizations/{org}/suspend|activate|rotate-role-password}; the jobs they start are at
 * {@code /api/admin/jobs} ({@link io.silo.http.admin.JobEndpoints}).
 *
 * <p>Thread-safe.
 */
public final class OrganizationEndpoints implements Endpoints {
    private final Organizations organizations;
    private final Authenticator authenticator;
    private final Users users;

    public OrganizationEndpoints(Organizations organizations, Authenticator authenticator, Users users) {
        this.organizations = organizations;
        this.authenticator = authenticator;
        this.users = users;
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/organizations", this::create);
        routes.get("/api/organizations", this::list);
        routes.get("/api/organizations/{org}", exchange -> {
            authenticator.platformAdmin(exchange);
            exchange.json(OrganizationJson.of(organizations.get(exchange.pathParam("org"))));
        });
        routes.patch("/api/organizations/{org}", exchange -> {
            if (authenticator.require(exchange) instanceof Principal.Member member) {
                ownPasswordPolicy(exchange, member);
                return;
            }
            Principal admin = authenticator.platformAdmin(exchange);
            exchange.json(OrganizationJson.of(organizations.update(
                    exchange.pathParam("org"), Bodies.tree(exchange), Actors.of(exchange, admin))));
        });
        routes.delete("/api/organizations/{org}", this::delete);
        routes.post("/api/organizations/{org}/suspend", exchange -> {
            Principal admin = authenticator.platformAdmin(exchange);
            Optional<String> reason = exchange.body().isBlank()
                    ? Optional.empty()
                    : Optional.ofNullable(Bodies.read(exchange, OrganizationRequests.Suspend.class)
                            .reason());
            exchange.json(OrganizationJson.of(
                    organizations.suspend(exchange.pathParam("org"), reason, Actors.of(exchange, admin))));
        });
        routes.post("/api/organizations/{org}/rotate-role-password", this::rotateRolePassword);
        routes.post("/api/organizations/{org}/activate", exchange -> {
            Principal admin = authenticator.platformAdmin(exchange);
            exchange.json(
                    OrganizationJson.of(organizations.activate(exchange.pathParam("org"), Actors.of(exchange, admin))));
        });
    }

    /** An organization's administrator sets its password policy: the one field of their organization they may patch. */
    private void ownPasswordPolicy(Exchange exchange, Principal.Member member) {
        if (member.isOrgAdmin()) {
            users.requireCurrentAdmin(member);
        }
        Optional<Integer> minLength = organizations.updateOwnPasswordPolicy(
                member, exchange.pathParam("org"), Bodies.tree(exchange), Actors.of(exchange, member));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "passwordPolicy", minLength.map(min -> Map.of("minLength", min)).orElse(null));
        exchange.json(body);
    }

    private void create(Exchange exchange) {
        Principal admin = authenticator.platformAdmin(exchange);
        Organizations.Outcome outcome = organizations.create(
                Bodies.read(exchange, OrganizationRequests.Create.class).command(), Actors.of(exchange, admin));
        Tenant tenant = outcome.tenant()
                .orElseThrow(() -> ProblemType.ORGANIZATION_DELETED.exception(
                        "the organization was deleted while it was being created"));
        Map<String, Object> body = new LinkedHashMap<>(OrganizationJson.of(tenant));
        body.put("job", OrganizationJson.job(outcome.job()));
        exchange.header("Location", "/api/organizations/" + tenant.id());
        exchange.status(tenant.status() == TenantStatus.ACTIVE ? 201 : 202).json(body);
    }

    private void list(Exchange exchange) {
        authenticator.platformAdmin(exchange);
        Optional<TenantStatus> status = exchange.query("status").map(OrganizationEndpoints::status);
        TenantStore.Page page = organizations.list(
                status,
                exchange.query("q").filter(q -> !q.isBlank()),
                exchange.query("cluster").filter(text -> !text.isBlank()),
                exchange.query("service").filter(text -> !text.isBlank()),
                exchange.query("cursor").filter(text -> !text.isBlank()),
                Paging.limit(exchange, 50, 500));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(OrganizationJson::of).toList());
        body.put("nextCursor", page.nextCursor().orElse(null));
        exchange.json(body);
    }

    /** 200 with the finished job, or 202 with {@code Location} on the job still under way. */
    private void rotateRolePassword(Exchange exchange) {
        Principal admin = authenticator.platformAdmin(exchange);
        Organizations.Outcome outcome =
                organizations.rotateRolePassword(exchange.pathParam("org"), Actors.of(exchange, admin));
        if (!outcome.job().state().finished()) {
            exchange.header("Location", "/api/admin/jobs/" + outcome.job().id());
            exchange.status(202);
        }
        exchange.json(Map.of("job", OrganizationJson.job(outcome.job())));
    }

    private void delete(Exchange exchange) {
        Principal admin = authenticator.platformAdmin(exchange);
        Organizations.Outcome outcome = organizations.delete(exchange.pathParam("org"), Actors.of(exchange, admin));
        if (outcome.job().state() == JobState.SUCCEEDED) {
            exchange.status(204);
            return;
        }
        exchange.header("Location", "/api/admin/jobs/" + outcome.job().id());
        exchange.status(202).json(Map.of("job", OrganizationJson.job(outcome.job())));
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
}
