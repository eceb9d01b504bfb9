package io.silo.app.imports;

import io.silo.app.organization.NewOrganization;
import io.silo.app.organization.Organizations;
import io.silo.audit.AuditEntry;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.control.ImportedOrganizationStore;
import io.silo.postgres.control.TenantStore;
import io.silo.tenant.Slugs;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The organization each organization of a source becomes: found again through
 * {@code imported_organizations} (a re-run), or created with its first administrator, recorded in
 * the same transaction as the organization. A slug taken by an organization this source did not make
 * is a name collision: reported, never taken over.
 *
 * <p>Thread-safe.
 */
final class ImportedOrganizations {
    private static final Duration PROVISIONING_WAIT = Duration.ofMinutes(2);

    private final Organizations organizations;
    private final TenantStore tenants;
    private final ImportedOrganizationStore imported;

    ImportedOrganizations(Organizations organizations, TenantStore tenants, ImportedOrganizationStore imported) {
        this.organizations = organizations;
        this.tenants = tenants;
        this.imported = imported;
    }

    /**
     * What the organization needs to be created; the first administrator's password already hashed.
     * The slug and the database names are the source's, kept where Silo can keep them.
     */
    record Wanted(
            String source,
            String key,
            String name,
            Optional<String> businessType,
            Optional<String> slug,
            Optional<String> license,
            Map<String, Object> quotas,
            Map<String, String> databaseNames,
            List<String> services,
            NewOrganization.FirstAdmin admin,
            String adminPasswordHash) {}

    /** Finds or creates the organization, filling {@code report} with what happened. */
    Optional<Tenant> resolve(Wanted wanted, ImportReport.Tenant report, AuditEntry.Actor actor) {
        report.name = wanted.name();
        Optional<Tenant> earlier = imported.find(wanted.source(), wanted.key()).flatMap(tenants::find);
        if (earlier.isPresent()) {
            report.status = "found";
            return usable(earlier.get(), wanted, report);
        }
        String slug;
        try {
            slug = Slugs.check(keptSlug(wanted, report).orElseGet(() -> Slugs.fromName(wanted.name())));
        } catch (SiloException e) {
            return failed(report, "failed", e.getMessage());
        }
        report.slug = Optional.of(slug);
        Optional<Tenant> taken = tenants.resolve(slug);
        if (taken.isPresent()) {
            return failed(
                    report,
                    "collision",
                    "an organization with slug '" + slug + "' exists and was not imported from " + wanted.source()
                            + ": nothing of '" + wanted.key() + "' was imported (rename it in the mapping, or remove"
                            + " the other organization)");
        }
        NewOrganization.Builder request = NewOrganization.builder(wanted.name(), wanted.services(), wanted.admin())
                .slug(Optional.of(slug))
                .businessType(wanted.businessType())
                .license(wanted.license())
                .quotas(wanted.quotas())
                .databaseNames(wanted.databaseNames())
                .notes(Optional.of("imported from MongoDB source " + wanted.source() + " (" + wanted.key() + ")"));
        Organizations.Outcome outcome;
        try {
            outcome = create(request, wanted, actor);
        } catch (SiloException e) {
            if (wanted.databaseNames().isEmpty() || !DATABASE_NAME_REFUSALS.contains(e.problem())) {
                return failed(report, "failed", "cannot create the organization: " + e.getMessage());
            }
            report.note("its database names " + wanted.databaseNames() + " were not kept (" + e.getMessage()
                    + "): its databases have the templates' names");
            try {
                outcome = create(request.databaseNames(Map.of()), wanted, actor);
            } catch (SiloException again) {
                return failed(report, "failed", "cannot create the organization: " + again.getMessage());
            }
        }
        report.status = "created";
        UUID id = outcome.tenant().map(Tenant::id).orElseThrow();
        return usable(waitUntilActive(id), wanted, report);
    }

    private static final Set<ProblemType> DATABASE_NAME_REFUSALS = Set.of(
            ProblemType.INVALID_DATABASE_NAME, ProblemType.DATABASE_NAME_RESERVED, ProblemType.DATABASE_NAME_TAKEN);

    private Organizations.Outcome create(NewOrganization.Builder request, Wanted wanted, AuditEntry.Actor actor) {
        return organizations.createWithHashedPassword(
                request.build(),
                wanted.adminPasswordHash(),
                actor,
                (handle, id) -> ImportedOrganizationStore.record(handle, wanted.source(), wanted.key(), id));
    }

    /** The source's own slug when it is a valid one; one that is not is noted, and the name gives the slug. */
    private static Optional<String> keptSlug(Wanted wanted, ImportReport.Tenant report) {
        return wanted.slug().filter(slug -> {
            try {
                Slugs.check(slug);
                return true;
            } catch (SiloException e) {
                report.note("its slug '" + slug + "' in the source is not one Silo takes (" + e.getMessage()
                        + "): the slug comes from its name");
                return false;
            }
        });
    }

    private Optional<Tenant> usable(Tenant tenant, Wanted wanted, ImportReport.Tenant report) {
        report.id = Optional.of(tenant.id());
        report.slug = Optional.of(tenant.slug());
        if (tenant.status() != TenantStatus.ACTIVE) {
            return failed(report, "failed", "organization " + tenant.slug() + " is " + tenant.status());
        }
        List<String> has =
                tenant.databases().stream().map(TenantDatabase::service).toList();
        for (String service : wanted.services()) {
            if (!has.contains(service)) {
                report.note("organization " + tenant.slug() + " has no " + service
                        + " service: add it, then run the import again");
            }
        }
        return Optional.of(tenant);
    }

    /** Provisioning usually finishes inside the creating call; a busy machine may need a moment more. */
    private Tenant waitUntilActive(UUID id) {
        long deadline = System.nanoTime() + PROVISIONING_WAIT.toNanos();
        while (true) {
            Tenant tenant = tenants.find(id).orElseThrow();
            if (tenant.status() != TenantStatus.PROVISIONING || System.nanoTime() > deadline) {
                return tenant;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return tenant;
            }
        }
    }

    private static Optional<Tenant> failed(ImportReport.Tenant report, String status, String reason) {
        report.status = status;
        report.reason = Optional.of(reason);
        return Optional.empty();
    }
}
