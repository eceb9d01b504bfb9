package io.silo.app.migration;

import io.silo.audit.AuditEntry;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.control.RolloutStore;
import io.silo.postgres.control.RolloutStore.Target;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.job.JobRunner;
import io.silo.postgres.job.JobStore;
import io.silo.postgres.migration.RolloutJob;
import io.silo.postgres.schema.TenantMigrator;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.Tenant;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts rollouts: checks the request, finds the databases behind, and either reports (nothing to
 * do, a dry run's plan) or creates a {@link RolloutJob}, recorded in the master audit log. The job runs on the instances' job workers;
 * {@link #runInline} runs it in the caller's thread, for the CLI.
 *
 * <p>Parallelism is bounded by the connection budget of the clusters involved: a rollout holds one
 * administrative connection per database in flight, outside the tenants' pools, and takes at most
 * a quarter of the smallest budget, so requests keep the rest.
 *
 * <p>Thread-safe.
 */
public final class Rollouts {
    /** Databases at once when the request does not say. */
    public static final int DEFAULT_PARALLEL = 4;
    /** The most a request may ask for; the clusters' budgets may allow fewer. */
    public static final int MAX_PARALLEL = 64;

    private final Jdbc jdbc;
    private final TemplateCatalog templates;
    private final TenantStore tenants;
    private final ClusterStore clusters;
    private final ClusterAdmins admins;
    private final RolloutStore store;
    private final JobStore jobs;
    private final JobRunner runner;
    private final TenantMigrator migrator;
    private final AuditLog audit;
    private final Clock clock;

    public Rollouts(
            Jdbc jdbc,
            TemplateCatalog templates,
            TenantStore tenants,
            ClusterStore clusters,
            ClusterAdmins admins,
            RolloutStore store,
            JobStore jobs,
            JobRunner runner,
            TenantMigrator migrator,
            AuditLog audit,
            Clock clock) {
        this.jdbc = jdbc;
        this.templates = templates;
        this.tenants = tenants;
        this.clusters = clusters;
        this.admins = admins;
        this.store = store;
        this.jobs = jobs;
        this.runner = runner;
        this.migrator = migrator;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Plans or starts a rollout.
     *
     * @throws io.silo.error.SiloException {@code unknown-service} (422), {@code organization-not-found}
     *     (422) for a tenant named that does not exist, {@code invalid-rollout} (400) for settings out of range
     */
    public RolloutResult start(RolloutRequest request, AuditEntry.Actor actor) {
        check(request);
        ServiceTemplate template = templates
                .find(request.service())
                .orElseThrow(() -> ProblemType.UNKNOWN_SERVICE
                        .inBody("unknown service '" + abbreviate(request.service()) + "'")
                        .with("field", "service"));
        List<Target> behind = store.behind(template.service(), template.version(), tenantIds(request.tenants()));
        if (behind.isEmpty()) {
            return new RolloutResult.NothingToDo(template.service(), template.version());
        }
        if (request.dryRun()) {
            return dryRun(template, behind);
        }
        int parallel = boundedParallel(request.parallel().orElse(DEFAULT_PARALLEL), behind);
        RolloutJob.Request job = new RolloutJob.Request(
                template.service(),
                template.version(),
                behind,
                parallel,
                request.continueAfterCanary() ? 0 : request.canary().orElse(0),
                request.autoContinue());
        UUID id = create(job);
        // the master audit log says who started which rollout; a dry run changes nothing and is not recorded
        audit.append(new AuditEntry(
                actor,
                "service.migrate",
                "job",
                id.toString(),
                Optional.empty(),
                Map.of(
                        "service", template.service(),
                        "version", template.version(),
                        "databases", behind.size(),
                        "canary", job.canary(),
                        "parallel", parallel)));
        return new RolloutResult.Started(template.service(), template.version(), id, behind.size(), parallel);
    }

    /** Runs a started rollout in this thread (the CLI has no job workers) and returns the job as it ended. */
    public Job runInline(UUID jobId) {
        return runner.runNow(jobId, Duration.ofDays(1));
    }

    /**
     * What a rollout job did: {@code {total, done, failed, remaining, failures: [{tenant, database,
     * fromVersion, reason}]}}, kept after the job ends; empty for a job that is no rollout.
     */
    public Optional<tools.jackson.databind.JsonNode> summary(UUID jobId) {
        return store.summary(jobId);
    }

    private static void check(RolloutRequest request) {
        if (request.service() == null || request.service().isBlank()) {
            throw ProblemType.MISSING_FIELD.exception("service is required").with("field", "service");
        }
        request.parallel().ifPresent(parallel -> {
            if (parallel < 1 || parallel > MAX_PARALLEL) {
                throw invalid("parallel must be 1 to " + MAX_PARALLEL + ", not " + parallel, "parallel");
            }
        });
        request.canary().ifPresent(canary -> {
            if (canary < 1) {
                throw invalid("canary must be at least 1, not " + canary, "canary");
            }
            if (request.continueAfterCanary()) {
                throw invalid("continue goes on after a canary; it takes no canary of its own", "canary");
            }
        });
        if (request.autoContinue() && request.canary().isEmpty()) {
            throw invalid("autoContinue goes on after a canary; name the canary's size", "autoContinue");
        }
    }

    private static io.silo.error.SiloException invalid(String message, String field) {
        return ProblemType.INVALID_ROLLOUT.exception(message).with("field", field);
    }

    private List<UUID> tenantIds(List<String> named) {
        List<UUID> ids = new ArrayList<>();
        for (String idOrSlug : named) {
            ids.add(tenants.resolve(idOrSlug)
                    .map(Tenant::id)
                    .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND
                            .inBody("no organization '" + abbreviate(idOrSlug) + "'")
                            .with("field", "tenants")));
        }
        return ids;
    }

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }

    /** A quarter of the smallest budget among the clusters involved, at least one. */
    private int boundedParallel(int requested, List<Target> behind) {
        int bound = behind.stream()
                .map(Target::clusterId)
                .distinct()
                .map(id -> clusters.find(id)
                        .map(cluster -> cluster.connectionBudget() / 4)
                        .orElse(1))
                .min(Integer::compare)
                .orElse(1);
        return Math.max(1, Math.min(requested, bound));
    }

    private RolloutResult dryRun(ServiceTemplate template, List<Target> behind) {
        List<RolloutResult.DatabasePlan> plans = new ArrayList<>();
        for (Target target : behind) {
            try (Connection connection = admins.of(target.clusterId()).connect(target.database())) {
                TenantMigrator.Plan plan = migrator.plan(connection, template);
                plans.add(new RolloutResult.DatabasePlan(
                        target.slug(), target.database(), plan.fromVersion(), plan.toVersion(), plan.steps()));
            } catch (SQLException e) {
                plans.add(new RolloutResult.DatabasePlan(
                        target.slug(),
                        target.database(),
                        target.schemaVersion(),
                        template.version(),
                        List.of("cannot connect: " + e.getMessage())));
            }
        }
        return new RolloutResult.DryRun(template.service(), template.version(), plans);
    }

    private UUID create(RolloutJob.Request request) {
        Instant now = clock.instant();
        Job job = new Job(
                Ids.next(),
                RolloutJob.KIND,
                Optional.empty(),
                JobState.PENDING,
                RolloutJob.payload(request),
                RolloutJob.plan(request),
                0,
                0,
                Optional.empty(),
                now,
                now,
                Optional.empty());
        jdbc.useTransaction(handle -> jobs.create(handle, job, Duration.ZERO));
        store.begin(job.id(), request.service(), request.version(), RolloutJob.plannedCount(request));
        return job.id();
    }
}
