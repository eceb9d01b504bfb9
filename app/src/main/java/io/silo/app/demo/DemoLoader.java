package io.silo.app.demo;

import io.silo.app.document.Documents;
import io.silo.app.document.Write;
import io.silo.app.identity.Users;
import io.silo.app.organization.Organizations;
import io.silo.app.session.Principal;
import io.silo.audit.AuditEntry;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.PasswordPolicy;
import io.silo.identity.User;
import io.silo.job.JobState;
import io.silo.json.Json;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Loads the demo ({@code silo serve --demo}): the seeds' organizations, each from its YAML file,
 * created through {@link Organizations}, {@link Users} and {@link Documents} exactly as HTTP clients
 * create theirs, but in-process.
 *
 * <p>A demo organization is recognised by its slug: one that exists is left as it is, so loading
 * again changes nothing and a deployment holding other organizations gets only the missing demo ones.
 * An organization's notes say {@value #LOADED} once all of its data is written; one whose slug is
 * taken without that note (a load that was killed midway, or another organization) is reported and
 * left alone.
 *
 * <p>The accounts' passwords are the seeds' own, as short as six characters: they are hashed under
 * {@link PasswordPolicy#demoAccounts()}, which no HTTP route reaches.
 *
 * <p>Thread-safe as its services are; two loads at once on one control database are not expected
 * (the second would find slugs taken and report them).
 */
public final class DemoLoader {
    private static final Logger log = LoggerFactory.getLogger(DemoLoader.class);

    /** The demo's files, one per organization, in the order they are loaded and listed. */
    static final List<String> FILES = List.of(
            "techland.yaml",
            "globaltrade.yaml",
            "mobile.yaml",
            "pharmacy.yaml",
            "salon.yaml",
            "techcorp.yaml",
            "liquor-store.yaml",
            "green-valley-school.yaml");

    /** The notes of a demo organization whose data is being written. */
    static final String LOADING = "Demo organization (silo serve --demo): loading";

    /** The notes of a demo organization whose data is all written. */
    public static final String LOADED = "Demo organization (silo serve --demo)";

    private static final AuditEntry.Actor ACTOR = AuditEntry.Actor.system("demo");

    private final TemplateCatalog templates;
    private final Organizations organizations;
    private final Users users;
    private final Documents documents;
    private final TenantStore tenants;
    private final TenantConnections connections;
    private final UserStore userStore;
    private final PasswordHasher hasher;
    private final Clock clock;

    public DemoLoader(
            TemplateCatalog templates,
            Organizations organizations,
            Users users,
            Documents documents,
            TenantStore tenants,
            TenantConnections connections,
            UserStore userStore,
            PasswordHasher hasher,
            Clock clock) {
        this.templates = templates;
        this.organizations = organizations;
        this.users = users;
        this.documents = documents;
        this.tenants = tenants;
        this.connections = connections;
        this.userStore = userStore;
        this.hasher = hasher;
        this.clock = clock;
    }

    /** Creates the demo organizations that are missing; see the class comment for what counts as present. */
    public DemoReport load() {
        List<String> created = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        List<DemoAccount> accounts = new ArrayList<>();
        for (String file : FILES) {
            DemoOrganization demo = DemoOrganization.read(file);
            accounts.addAll(demo.accounts(templates));
            Optional<Tenant> existing = tenants.resolve(demo.slug());
            if (existing.isEmpty()) {
                create(demo);
                created.add(demo.slug());
            } else if (existing.get().notes().filter(LOADED::equals).isPresent()) {
                present.add(demo.slug());
            } else {
                log.warn(
                        "demo organization '{}' not loaded: an organization with that slug exists that the demo did not"
                                + " finish (delete it to load the demo's again)",
                        demo.slug());
                foreign.add(demo.slug());
            }
        }
        return new DemoReport(created, present, foreign, accounts);
    }

    private void create(DemoOrganization demo) {
        long started = System.nanoTime();
        String hash = hasher.hash(demo.adminPassword(), PasswordPolicy.demoAccounts(), PasswordHasher.Claimant.SILO);
        Organizations.Outcome outcome =
                organizations.createWithHashedPassword(demo.request(), hash, ACTOR, (handle, id) -> {});
        Tenant tenant = active(outcome);
        DemoValues values = new DemoValues(clock);
        Map<String, Principal.Member> people = new HashMap<>();
        Principal.Member admin = member(tenant, firstAdmin(tenant, demo));
        people.put(DemoOrganization.ADMIN, admin);
        values.name(DemoOrganization.ADMIN, admin.id());
        for (DemoOrganization.Person person : demo.users()) {
            User user = users.createDemoAccount(admin, person.member(), ACTOR);
            people.put(person.key(), member(tenant, user));
            values.name(person.key(), user.id());
        }
        int written = 0;
        for (JsonNode group : demo.documents()) {
            written += write(group, values, people);
        }
        int sales = demo.sales()
                .map(spec -> new DemoSales(documents, ACTOR).write(spec, values, people))
                .orElse(0);
        organizations.update(demo.slug(), Json.object().put("notes", LOADED), ACTOR);
        log.info(
                "demo organization '{}' loaded: {} accounts, {} documents, {} sales in {} ms",
                demo.slug(),
                people.size(),
                written,
                sales,
                (System.nanoTime() - started) / 1_000_000);
    }

    private int write(JsonNode group, DemoValues values, Map<String, Principal.Member> people) {
        String service = group.path("service").asString();
        String collection = group.path("collection").asString();
        String as = group.path("as").asString(DemoOrganization.ADMIN);
        Principal.Member writer = people.get(as);
        if (writer == null) {
            throw new IllegalStateException("demo documents of " + service + "." + collection + " are written as '" + as
                    + "', who is no account of the organization");
        }
        int count = 0;
        for (JsonNode item : group.path("items")) {
            JsonNode body = values.resolve(item);
            Write.Result result =
                    documents.write(documents.scope(writer, service), new Write.Insert(collection, body), ACTOR);
            Optional<String> key = DemoValues.keyOf(item);
            if (key.isPresent()) {
                values.name(key.get(), result.id(), body);
            }
            count++;
        }
        return count;
    }

    /** The organization once provisioned; a demo that cannot provision stops start-up with the reason. */
    private Tenant active(Organizations.Outcome outcome) {
        Tenant tenant = outcome.tenant().orElseThrow();
        for (int attempt = 0; attempt < 600; attempt++) {
            Tenant now = tenants.find(tenant.id()).orElseThrow();
            if (now.status() == TenantStatus.ACTIVE) {
                return now;
            }
            if (now.status() == TenantStatus.FAILED
                    || organizations.job(outcome.job().id()).state() == JobState.FAILED) {
                throw new IllegalStateException("demo organization '" + tenant.slug() + "' failed to provision: "
                        + now.statusReason()
                                .orElse("see its job " + outcome.job().id()));
            }
            sleep();
        }
        throw new IllegalStateException("demo organization '" + tenant.slug() + "' still provisioning after a minute");
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the demo waited for provisioning", e);
        }
    }

    private User firstAdmin(Tenant tenant, DemoOrganization demo) {
        DemoAccount account = demo.accounts(templates).get(0);
        String kind = account.login().contains("@") ? "email" : "username";
        return connections
                .inTransaction(
                        tenant.id(),
                        ServiceTemplate.CORE,
                        core -> userStore
                                .credentials(core, kind, account.login().toLowerCase(java.util.Locale.ROOT))
                                .flatMap(credentials -> userStore.find(core, credentials.userId())))
                .orElseThrow(() -> new IllegalStateException(
                        "the first administrator of demo organization '" + tenant.slug() + "' is missing"));
    }

    private static Principal.Member member(Tenant tenant, User user) {
        return new Principal.Member(user.id(), tenant.id(), tenant.slug(), tenant.businessType(), user.roles());
    }
}
