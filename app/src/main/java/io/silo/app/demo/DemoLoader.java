package io.silo.app.demo;

import io.silo.app.document.CollectionStatistics;
import io.silo.app.document.Documents;
import io.silo.app.identity.Users;
import io.silo.app.organization.Organizations;
import io.silo.app.session.Principal;
import io.silo.audit.AuditEntry;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.PasswordPolicy;
import io.silo.identity.User;
import io.silo.job.JobState;
import io.silo.json.Json;
import io.silo.postgres.collection.query.MetaField;
import io.silo.postgres.control.ImportedOrganizationStore;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Loads the demo ({@code silo serve --demo}): the seeds' organizations, each from its YAML file,
 * created through {@link Organizations}, {@link Users} and {@link Documents} exactly as HTTP clients
 * create theirs, but in-process.
 *
 * <p>A demo organization is recognised by its slug. One that is there with the note {@value #LOADED}
 * is left as it is, so loading again changes nothing and a deployment holding other organizations
 * gets only the missing demo ones. One that this loader created but did not finish (a load killed
 * midway) is finished: the loader records each organization it creates in {@code
 * imported_organizations}, under {@value #SOURCE} and its slug, in the transaction that creates it,
 * which no route can write; an organization with the slug and both that record and the note {@value
 * #LOADING} is the demo's own. Its missing accounts (found by their logins) and documents (found by
 * their stable ids, {@link DemoWrites}) are written, the others left as they are, and then it is noted
 * loaded. Any other organization with the slug is reported and left alone.
 *
 * <p>The accounts' passwords are the seeds' own, as short as six characters: they are hashed under
 * {@link PasswordPolicy#demoAccounts()}, which no HTTP route reaches.
 *
 * <p>Thread-safe as its services are; two loads at once on one control database are not expected
 * (the second could find an organization the first is still writing, and write beside it).
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
    public static final String LOADING = "Demo organization (silo serve --demo): loading";

    /** The notes of a demo organization whose data is all written. */
    public static final String LOADED = "Demo organization (silo serve --demo)";

    /**
     * The source under which {@code imported_organizations} records the organizations this loader
     * created, each by its slug: an import may not take this name ({@code MongoImport.source}).
     */
    static final String SOURCE = ImportedOrganizationStore.DEMO_SOURCE;

    /** How long an unfinished demo organization that is still provisioning is waited for. */
    private static final int PROVISIONING_WAITS = 600;

    private static final AuditEntry.Actor ACTOR = AuditEntry.Actor.system("demo");

    /**
     * Told of every write a load makes, after it commits: a test stops a load midway through it. The
     * writes found from an earlier load are not told.
     */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (slug, what) -> {};

        /**
         * @param slug the demo organization written to
         * @param what {@code organization}, {@code account}, or the {@code service.collection} of a document
         *             (a sale's batch is named by its sale)
         */
        void wrote(String slug, String what);
    }

    private final TemplateCatalog templates;
    private final Organizations organizations;
    private final Users users;
    private final Documents documents;
    private final TenantStore tenants;
    private final ImportedOrganizationStore made;
    private final TenantConnections connections;
    private final UserStore userStore;
    private final PasswordHasher hasher;
    private final CollectionStatistics statistics;
    private final Clock clock;

    public DemoLoader(
            TemplateCatalog templates,
            Organizations organizations,
            Users users,
            Documents documents,
            TenantStore tenants,
            ImportedOrganizationStore made,
            TenantConnections connections,
            UserStore userStore,
            PasswordHasher hasher,
            CollectionStatistics statistics,
            Clock clock) {
        this.templates = templates;
        this.organizations = organizations;
        this.users = users;
        this.documents = documents;
        this.tenants = tenants;
        this.made = made;
        this.connections = connections;
        this.userStore = userStore;
        this.hasher = hasher;
        this.statistics = statistics;
        this.clock = clock;
    }

    /** Creates the demo organizations that are missing and finishes those left unfinished; see the class comment. */
    public DemoReport load() {
        return load(Progress.NONE);
    }

    /** {@link #load()}, telling {@code progress} of each write. */
    public DemoReport load(Progress progress) {
        List<String> created = new ArrayList<>();
        List<String> resumed = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<String> leftAlone = new ArrayList<>();
        List<DemoAccount> accounts = new ArrayList<>();
        for (String file : FILES) {
            DemoOrganization demo = DemoOrganization.read(file);
            accounts.addAll(demo.accounts(templates));
            Optional<Tenant> existing = tenants.resolve(demo.slug());
            if (existing.isEmpty()) {
                create(demo, progress);
                created.add(demo.slug());
            } else if (existing.get().notes().filter(LOADED::equals).isPresent()) {
                present.add(demo.slug());
            } else if (!unfinishedDemo(existing.get(), demo)) {
                log.warn(
                        "demo organization '{}' not loaded: an organization with that slug exists that is not one the"
                                + " demo created and left unfinished (delete it to load the demo's)",
                        demo.slug());
                leftAlone.add(demo.slug());
            } else if (finish(demo, existing.get(), progress)) {
                resumed.add(demo.slug());
            } else {
                leftAlone.add(demo.slug());
            }
        }
        return new DemoReport(created, resumed, present, leftAlone, accounts);
    }

    /** Created by this loader (its record, made with the organization) and not noted loaded since. */
    private boolean unfinishedDemo(Tenant tenant, DemoOrganization demo) {
        return made.find(SOURCE, demo.slug()).filter(tenant.id()::equals).isPresent()
                && tenant.notes().filter(LOADING::equals).isPresent();
    }

    private void create(DemoOrganization demo, Progress progress) {
        long started = System.nanoTime();
        String hash = hasher.hash(demo.adminPassword(), PasswordPolicy.demoAccounts(), PasswordHasher.Claimant.SILO);
        Organizations.Outcome outcome = organizations.createWithHashedPassword(
                demo.request(),
                hash,
                ACTOR,
                (handle, id) -> ImportedOrganizationStore.record(handle, SOURCE, demo.slug(), id));
        progress.wrote(demo.slug(), "organization");
        fill(demo, active(outcome), progress, "loaded", started);
    }

    /** Finishes an unfinished demo organization; false (and a warning) when it is not active, so cannot be. */
    private boolean finish(DemoOrganization demo, Tenant unfinished, Progress progress) {
        long started = System.nanoTime();
        Optional<Tenant> tenant = activeOnceProvisioned(unfinished.id());
        if (tenant.isEmpty()) {
            log.warn(
                    "demo organization '{}' was not finished by an earlier load and cannot be now: it is {} (delete it"
                            + " to load the demo's)",
                    demo.slug(),
                    tenants.find(unfinished.id())
                            .map(now -> now.status().toString())
                            .orElse("deleted"));
            return false;
        }
        log.info("demo organization '{}' was not finished by an earlier load: finishing it", demo.slug());
        fill(demo, tenant.get(), progress, "finished", started);
        return true;
    }

    /**
     * Writes the accounts and documents of {@code demo} that {@code tenant} lacks, in the file's order,
     * then notes it loaded. Every write converges: an account is looked up by its login before it is
     * made, a document has its stable id.
     */
    private void fill(DemoOrganization demo, Tenant tenant, Progress progress, String done, long started) {
        DemoValues values = new DemoValues(clock);
        Map<String, Principal.Member> people = new HashMap<>();
        Principal.Member admin = member(
                tenant,
                account(tenant, demo.adminLogin())
                        .orElseThrow(() -> new IllegalStateException(
                                "the first administrator of demo organization '" + tenant.slug() + "' is missing")));
        people.put(DemoOrganization.ADMIN, admin);
        values.name(DemoOrganization.ADMIN, admin.id());
        int accountsFound = 0;
        for (DemoOrganization.Person person : demo.users()) {
            Optional<User> earlier = account(tenant, person.login());
            User user = earlier.orElseGet(() -> users.createDemoAccount(admin, person.member(), ACTOR));
            if (earlier.isPresent()) {
                accountsFound++;
            } else {
                progress.wrote(tenant.slug(), "account");
            }
            people.put(person.key(), member(tenant, user));
            values.name(person.key(), user.id());
        }
        DemoWrites writes = new DemoWrites(documents, ACTOR, tenant, progress);
        for (JsonNode group : demo.documents()) {
            write(group, values, people, writes);
        }
        demo.sales().ifPresent(spec -> new DemoSales(writes).write(spec, values, people));
        // a few dozen rows never reach autovacuum's threshold: without this, estimates say 0 for good
        demo.request().services().forEach(service -> statistics.refresh(tenant.id(), service));
        organizations.update(demo.slug(), Json.object().put("notes", LOADED), ACTOR);
        log.info(
                "demo organization '{}' {}: {} accounts and {} document writes made, {} accounts and {} document"
                        + " writes found from an earlier load, in {} ms",
                demo.slug(),
                done,
                demo.users().size() - accountsFound,
                writes.written(),
                accountsFound,
                writes.found(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private void write(JsonNode group, DemoValues values, Map<String, Principal.Member> people, DemoWrites writes) {
        String service = group.path("service").asString();
        String collection = group.path("collection").asString();
        String as = group.path("as").asString(DemoOrganization.ADMIN);
        Principal.Member writer = people.get(as);
        if (writer == null) {
            throw new IllegalStateException("demo documents of " + service + "." + collection + " are written as '" + as
                    + "', who is no account of the organization");
        }
        for (JsonNode item : group.path("patches")) {
            ObjectNode body = (ObjectNode) values.resolve(item);
            UUID id = UUID.fromString(body.remove(MetaField.ID.text()).asString());
            writes.patch(writer, service, collection, id, body);
        }
        for (JsonNode item : group.path("items")) {
            ObjectNode body = writes.withNextId(values.resolve(item));
            writes.insert(writer, service, collection, body);
            Optional<String> key = DemoValues.keyOf(item);
            if (key.isPresent()) {
                values.name(
                        key.get(),
                        UUID.fromString(body.path(MetaField.ID.text()).asString()),
                        body);
            }
        }
    }

    /** The organization once provisioned; a demo that cannot provision stops start-up with the reason. */
    private Tenant active(Organizations.Outcome outcome) {
        Tenant tenant = outcome.tenant().orElseThrow();
        for (int attempt = 0; attempt < PROVISIONING_WAITS; attempt++) {
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

    /**
     * An unfinished organization once active: one killed while provisioning is finished by its job,
     * which another start's job runner takes up once the killed one's lease lapses.
     */
    private Optional<Tenant> activeOnceProvisioned(UUID id) {
        for (int attempt = 0; attempt < PROVISIONING_WAITS; attempt++) {
            Optional<Tenant> now = tenants.find(id);
            if (now.isEmpty() || now.get().status() != TenantStatus.PROVISIONING) {
                return now.filter(tenant -> tenant.status() == TenantStatus.ACTIVE);
            }
            sleep();
        }
        return Optional.empty();
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the demo waited for provisioning", e);
        }
    }

    /** The account of {@code tenant} that signs in with {@code login}, if there is one. */
    private Optional<User> account(Tenant tenant, String login) {
        String kind = login.contains("@") ? "email" : "username";
        return connections.inTransaction(
                tenant.id(),
                ServiceTemplate.CORE,
                core -> userStore
                        .credentials(core, kind, login.toLowerCase(Locale.ROOT))
                        .flatMap(credentials -> userStore.find(core, credentials.userId())));
    }

    private static Principal.Member member(Tenant tenant, User user) {
        return new Principal.Member(user.id(), tenant.id(), tenant.slug(), tenant.businessType(), user.roles());
    }
}
