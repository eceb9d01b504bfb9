package io.silo.app.imports;

import io.silo.app.organization.NewOrganization;
import io.silo.app.organization.Organizations;
import io.silo.audit.AuditEntry;
import io.silo.error.SiloException;
import io.silo.postgres.control.ImportedOrganizationStore;
import io.silo.postgres.control.TenantStore;
import io.silo.tenant.Slugs;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

    /** What the organization needs to be created; the first administrator's password already hashed. */
    record Wanted(
            String source,
            String key,
            String name,
            Optional<String> businessType,
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
            slug = Slugs.check(Slugs.fromName(wanted.name()));
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
        NewOrganization request = NewOrganization.builder(wanted.name(), wanted.services(), wanted.admin())
                .slug(Optional.of(slug))
                .businessType(wanted.businessType())
                .notes(Optional.of("imported from MongoDB source " + wanted.source() + " (" + wanted.key() + ")"))
                .build();
        Organizations.Outcome outcome;
        try {
            outcome = organizations.createWithHashedPassword(
                    request,
                    wanted.adminPasswordHash(),
                    actor,
                    (handle, id) -> ImportedOrganizationStore.record(handle, wanted.source(), wanted.key(), id));
        } catch (SiloException e) {
            return failed(report, "failed", "cannot create the organization: " + e.getMessage());
        }
        report.status = "created";
        UUID id = outcome.tenant().map(Tenant::id).orElseThrow();
        return usable(waitUntilActive(id), wanted, report);
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
