package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.organization.NewOrganization;
import io.silo.app.organization.OrganizationJson;
import io.silo.app.organization.OrganizationServices;
import io.silo.app.organization.Organizations;
import io.silo.error.ProblemType;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.job.StepObserver;
import io.silo.json.Json;
import io.silo.postgres.control.TenantStore;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code silo tenants} subcommands. Each runs the control plane in-process (see {@link ControlPlane}). */
final class TenantCommands {
    private TenantCommands() {}

    /** What every subcommand shares: configuration, JSON output, the audit actor. */
    abstract static class Base extends OperatorCommand {
        /** Runs the command; most need the organizations only. */
        @Override
        int run(Application app, PrintWriter out) {
            return run(app.organizations(), out);
        }

        abstract int run(Organizations organizations, PrintWriter out);

        void print(PrintWriter out, Tenant tenant) {
            if (json) {
                out.println(Json.write(OrganizationJson.of(tenant)));
                return;
            }
            out.printf(
                    "%s  %s  (%s)  %s%n",
                    tenant.slug(),
                    tenant.name(),
                    tenant.id(),
                    tenant.status().value()
                            + tenant.statusReason().map(reason -> ": " + reason).orElse(""));
            for (TenantDatabase database : tenant.databases()) {
                out.printf(
                        "  %-10s %-12s %-40s %s%n",
                        database.service(),
                        database.clusterId(),
                        database.databaseName(),
                        database.state().value());
            }
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create an organization and provision its databases.")
    static final class Create extends Base {
        @Option(names = "--name", required = true, description = "The organization's name.")
        String name;

        @Option(names = "--slug", description = "URL-safe name (default: derived from the name).")
        String slug;

        @Option(names = "--services", required = true, split = ",", description = "Services, e.g. billing,crm,pingora.")
        List<String> services;

        @Option(names = "--business-type", description = "Business type, e.g. computer.")
        String businessType;

        @Option(names = "--license", description = "License or plan, e.g. pro.")
        String license;

        @Option(names = "--cluster", description = "Place it on this cluster (default: the least loaded).")
        String cluster;

        @Option(
                names = "--service-cluster",
                description = "Place a service's database on this cluster, e.g. --service-cluster billing=eu-2"
                        + " (repeatable).")
        Map<String, String> serviceClusters = new LinkedHashMap<>();

        @Option(
                names = "--service-labels",
                description = "Place a service's database on a cluster carrying these labels, e.g."
                        + " --service-labels billing=tier:billing,zone:b (repeatable).")
        Map<String, String> serviceLabels = new LinkedHashMap<>();

        @Option(
                names = "--database",
                description = "Name a service's database instead of its template's pattern, e.g. "
                        + "--database erp=mobile_shop_db (repeatable).")
        Map<String, String> databases = new LinkedHashMap<>();

        @Option(
                names = "--external-id",
                description = "The organization's id in another system, e.g. org_techcorp_001; "
                        + "accepted wherever the organization is named.")
        String externalId;

        @Option(names = "--admin-email", description = "Email of the first administrator.")
        String adminEmail;

        @Option(names = "--admin-username", description = "Username of the first administrator (school-style sign-in).")
        String adminUsername;

        @Option(names = "--admin-name", description = "Name of the first administrator.")
        String adminName;

        @Option(
                names = "--admin-password-file",
                description = "Read the administrator's password from this file "
                        + "(default: $SILO_TENANT_ADMIN_PASSWORD, else standard input).")
        Path passwordFile;

        @Override
        int run(Organizations organizations, PrintWriter out) {
            NewOrganization request = NewOrganization.builder(
                            name,
                            services,
                            new NewOrganization.FirstAdmin(
                                    Optional.ofNullable(adminEmail),
                                    Optional.ofNullable(adminUsername),
                                    Optional.ofNullable(adminName).orElse(""),
                                    password()))
                    .slug(Optional.ofNullable(slug))
                    .businessType(Optional.ofNullable(businessType))
                    .license(Optional.ofNullable(license))
                    .cluster(Optional.ofNullable(cluster))
                    .databaseNames(databases)
                    .externalId(Optional.ofNullable(externalId))
                    .placement(placement())
                    .build();
            Organizations.Outcome outcome = organizations.create(request, actor());
            progress().finish();
            print(out, outcome.tenant().orElseThrow());
            return outcome.tenant().get().status() == TenantStatus.ACTIVE ? 0 : 1;
        }

        private ProgressLine progress;

        private Map<String, NewOrganization.Placement> placement() {
            Map<String, NewOrganization.Placement> placement = new LinkedHashMap<>();
            java.util.Set<String> services = new java.util.LinkedHashSet<>(serviceClusters.keySet());
            services.addAll(serviceLabels.keySet());
            for (String service : services) {
                placement.put(
                        service,
                        new NewOrganization.Placement(
                                Optional.ofNullable(serviceClusters.get(service)),
                                labels(service, serviceLabels.getOrDefault(service, ""))));
            }
            return placement;
        }

        private static Map<String, String> labels(String service, String text) {
            Map<String, String> labels = new LinkedHashMap<>();
            for (String pair : text.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int colon = pair.indexOf(':');
                if (colon < 1) {
                    throw new IllegalArgumentException("--service-labels " + service + "=" + text
                            + ": write each label as key:value, separated by commas");
                }
                labels.put(
                        pair.substring(0, colon).strip(),
                        pair.substring(colon + 1).strip());
            }
            return labels;
        }

        /** Provisioning runs inline: each step moves the bar (plain lines when output is not a terminal). */
        @Override
        StepObserver observer() {
            return (job, step) -> {
                if (!json) {
                    progress().show(job.steps().indexOf(step), job.steps().size(), step);
                }
            };
        }

        private synchronized ProgressLine progress() {
            if (progress == null) {
                progress = ProgressLine.forConsole(spec.commandLine().getOut());
            }
            return progress;
        }

        private String password() {
            return PasswordInput.read(
                    Optional.ofNullable(passwordFile),
                    "SILO_TENANT_ADMIN_PASSWORD",
                    "Password for the first administrator: ");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List organizations.")
    static final class ListTenants extends Base {
        @Option(
                names = "--status",
                description = "Only those in this status: provisioning, active, suspended, failed, deleting.")
        String status;

        @Option(names = "--search", description = "Only those whose name or slug contains this.")
        String search;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int run(Organizations organizations, PrintWriter out) {
            TenantStore.Page page = organizations.list(
                    Optional.ofNullable(status).map(text -> TenantStatus.of(text.toLowerCase(Locale.ROOT))),
                    Optional.ofNullable(search),
                    Optional.empty(),
                    Math.max(1, Math.min(limit, 1000)));
            if (json) {
                out.println(Json.write(
                        page.items().stream().map(OrganizationJson::of).toList()));
                return 0;
            }
            out.printf("%-24s %-12s %-8s %s%n", "SLUG", "STATUS", "DBS", "NAME");
            page.items()
                    .forEach(tenant -> out.printf(
                            "%-24s %-12s %-8d %s%n",
                            tenant.slug(),
                            tenant.status().value(),
                            tenant.databases().size(),
                            tenant.name()));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one organization and its databases.")
    static final class Show extends Base {
        @Parameters(paramLabel = "ORG", description = "Slug or id.")
        String org;

        @Override
        int run(Organizations organizations, PrintWriter out) {
            print(out, organizations.get(org));
            return 0;
        }
    }

    @Command(
            name = "suspend",
            mixinStandardHelpOptions = true,
            description = "Suspend an organization: nobody may sign in or read it.")
    static final class Suspend extends Base {
        @Parameters(paramLabel = "ORG", description = "Slug or id.")
        String org;

        @Option(names = "--reason", description = "Why, for the record.")
        String reason;

        @Override
        int run(Organizations organizations, PrintWriter out) {
            print(out, organizations.suspend(org, Optional.ofNullable(reason), actor()));
            return 0;
        }
    }

    @Command(name = "activate", mixinStandardHelpOptions = true, description = "Activate a suspended organization.")
    static final class Activate extends Base {
        @Parameters(paramLabel = "ORG", description = "Slug or id.")
        String org;

        @Override
        int run(Organizations organizations, PrintWriter out) {
            print(out, organizations.activate(org, actor()));
            return 0;
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete an organization and drop every one of its databases.")
    static final class Delete extends Base {
        @Parameters(paramLabel = "ORG", description = "Slug or id.")
        String org;

        @Option(names = "--yes", description = "Do not ask; required when standard input is not a terminal.")
        boolean yes;

        @Override
        int run(Organizations organizations, PrintWriter out) {
            Tenant tenant = organizations.get(org);
            if (!yes) {
                if (System.console() == null) {
                    throw ProblemType.CONFIRMATION_REQUIRED.exception(
                            "deleting " + tenant.slug() + " drops its databases; pass --yes");
                }
                String answer = System.console()
                        .readLine(
                                "Delete %s and drop its %d databases? Type its slug to confirm: ",
                                tenant.slug(), tenant.databases().size());
                if (!tenant.slug().equals(answer == null ? "" : answer.strip())) {
                    out.println("not deleted");
                    return 1;
                }
            }
            Organizations.Outcome outcome = organizations.delete(org, actor());
            out.println(
                    outcome.tenant().isEmpty()
                            ? "deleted " + tenant.slug()
                            : "deletion of " + tenant.slug() + " is under way: job "
                                    + outcome.job().id());
            return outcome.tenant().isEmpty() ? 0 : 1;
        }
    }

    @Command(
            name = "rotate-password",
            mixinStandardHelpOptions = true,
            description = "Give an organization's PostgreSQL role a new password (or every active and suspended "
                    + "organization's, with --all), without refusing a request.")
    static final class RotatePassword extends Base {
        @Parameters(arity = "0..1", paramLabel = "ORG", description = "Slug or id.")
        String org;

        @Option(names = "--all", description = "Every active and suspended organization, one after another.")
        boolean all;

        @Override
        int run(Organizations organizations, PrintWriter out) {
            if (all == (org != null)) {
                throw ProblemType.MISSING_FIELD.exception("name one organization, or pass --all");
            }
            List<String> slugs = all ? rotatable(organizations) : List.of(org);
            int unfinished = 0;
            for (String slug : slugs) {
                Organizations.Outcome outcome = organizations.rotateRolePassword(slug, actor());
                Job job = outcome.job();
                out.println(
                        slug + ": " + job.state().value() + (job.state().finished() ? "" : " (job " + job.id() + ")")
                                + job.error().map(error -> ": " + error).orElse(""));
                unfinished += job.state() == JobState.SUCCEEDED ? 0 : 1;
            }
            return unfinished == 0 ? 0 : 1;
        }

        private static List<String> rotatable(Organizations organizations) {
            List<String> slugs = new ArrayList<>();
            for (TenantStatus status : List.of(TenantStatus.ACTIVE, TenantStatus.SUSPENDED)) {
                Optional<String> cursor = Optional.empty();
                do {
                    TenantStore.Page page = organizations.list(Optional.of(status), Optional.empty(), cursor, 500);
                    page.items().forEach(tenant -> slugs.add(tenant.slug()));
                    cursor = page.nextCursor();
                } while (cursor.isPresent());
            }
            return slugs;
        }
    }

    /** What the service commands share: the organization and the service, and how a change is printed. */
    abstract static class ServiceCommand extends Base {
        @Parameters(index = "0", paramLabel = "ORG", description = "Slug or id.")
        String org;

        @Parameters(index = "1", paramLabel = "SERVICE", description = "The service, e.g. billing.")
        String service;

        @Override
        final int run(Application app, PrintWriter out) {
            return change(app.organizations(), app.organizationServices(), out);
        }

        @Override
        final int run(Organizations organizations, PrintWriter out) {
            throw new IllegalStateException("a service command runs with the whole application");
        }

        abstract int change(Organizations organizations, OrganizationServices services, PrintWriter out);

        int print(PrintWriter out, OrganizationServices.Change change) {
            boolean done = change.job().state() == JobState.SUCCEEDED;
            if (json) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("service", change.service());
                body.put(
                        "database",
                        change.database().map(OrganizationJson::database).orElse(null));
                change.dropAfter().ifPresent(at -> body.put("dropAfter", at.toString()));
                body.put("job", OrganizationJson.job(change.job()));
                out.println(Json.write(body));
            } else {
                out.printf(
                        "%s of %s: %s%s%s%n",
                        change.service(),
                        org,
                        change.database()
                                .map(database -> database.databaseName() + " "
                                        + database.state().value())
                                .orElse("no database"),
                        change.dropAfter().map(at -> ", dropped after " + at).orElse(""),
                        done
                                ? ""
                                : " (job " + change.job().id() + " "
                                        + change.job().state().value() + ")");
            }
            return done ? 0 : 1;
        }
    }

    @Command(
            name = "add-service",
            mixinStandardHelpOptions = true,
            description = "Add a service to an active organization: provision its database and give the"
                    + " organization's administrators the service's administrator role.")
    static final class AddService extends ServiceCommand {
        @Override
        int change(Organizations organizations, OrganizationServices services, PrintWriter out) {
            return print(out, services.add(org, service, actor()));
        }
    }

    @Command(
            name = "remove-service",
            mixinStandardHelpOptions = true,
            description = "Remove a service from an organization: its database is detached at once and dropped"
                    + " after services.removalGrace; restore-service brings it back until then.")
    static final class RemoveService extends ServiceCommand {
        @Option(names = "--yes", description = "Do not ask; required when standard input is not a terminal.")
        boolean yes;

        @Override
        int change(Organizations organizations, OrganizationServices services, PrintWriter out) {
            Tenant tenant = organizations.get(org);
            if (!yes) {
                if (System.console() == null) {
                    throw ProblemType.CONFIRMATION_REQUIRED.exception("removing " + service + " from " + tenant.slug()
                            + " detaches its database and drops it later; pass --yes");
                }
                String answer = System.console()
                        .readLine(
                                "Remove %s from %s? Its database is dropped once the grace period ends. Type the"
                                        + " organization's slug to confirm: ",
                                service, tenant.slug());
                if (!tenant.slug().equals(answer == null ? "" : answer.strip())) {
                    out.println("not removed");
                    return 1;
                }
            }
            return print(out, services.remove(org, service, Optional.of(tenant.slug()), actor()));
        }
    }

    @Command(
            name = "restore-service",
            mixinStandardHelpOptions = true,
            description = "Restore a removed service, its database and data as they were, within its grace period.")
    static final class RestoreService extends ServiceCommand {
        @Override
        int change(Organizations organizations, OrganizationServices services, PrintWriter out) {
            return print(out, services.restore(org, service, actor()));
        }
    }
}
