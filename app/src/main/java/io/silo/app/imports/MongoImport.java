package io.silo.app.imports;

import io.silo.app.document.CollectionStatistics;
import io.silo.app.imports.ImportMapping.Layout;
import io.silo.app.imports.MongoFiles.SourceCollection;
import io.silo.app.organization.NewOrganization;
import io.silo.app.organization.Organizations;
import io.silo.audit.AuditEntry;
import io.silo.crypto.PasswordHasher;
import io.silo.error.ProblemType;
import io.silo.json.Json;
import io.silo.postgres.collection.DocumentStore;
import io.silo.postgres.control.ImportedOrganizationStore;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.identity.DirectoryRelay;
import io.silo.postgres.identity.DirectoryStore;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.CollectionSpec;
import io.silo.template.FieldPath;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.Tenant;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code silo import}: a MongoDB system's export into organizations. Reads the source's registry of
 * organizations and its users first, finds or creates each organization with its first
 * administrator and writes its users, then streams every other collection into the organization
 * each document belongs to, in batches ({@link DocumentWriter}). Ids become stable UUIDs
 * ({@link StableIds}), so a second run changes nothing and a run killed midway, run again, ends where
 * an uninterrupted one would.
 *
 * <p>The work is cut into steps ({@link #plan}: {@value #PREPARE}, one per collection of data,
 * {@value #FINISH}), each run by {@link #step} from what the steps before it found: {@link ImportJob}
 * runs them as a job, {@link #run} one after the other in the caller's thread.
 *
 * <p>Bad input never stops the rest: an unreadable file or document, one without its organization
 * field, one its schema refuses, an organization whose name collides with another's, are each
 * reported ({@link ImportReport}) and the others imported.
 *
 * <p>Thread-safe; each run is confined to its calling thread.
 */
public final class MongoImport {
    private static final Logger log = LoggerFactory.getLogger(MongoImport.class);
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{24}");
    private static final int BATCH = 500;

    private final TemplateCatalog templates;
    private final ImportedOrganizations organizations;
    private final ImportedUsers users;
    private final DocumentWriter writer;
    private final TenantStore tenants;

    private MongoImport(
            TemplateCatalog templates,
            ImportedOrganizations organizations,
            ImportedUsers users,
            DocumentWriter writer,
            TenantStore tenants) {
        this.templates = templates;
        this.organizations = organizations;
        this.users = users;
        this.writer = writer;
        this.tenants = tenants;
    }

    /** An import that creates organizations through {@code organizations} and writes through the tenants' own connections. */
    public static MongoImport wire(
            TemplateCatalog templates,
            Organizations organizations,
            TenantStore tenants,
            Jdbc control,
            TenantConnections connections,
            UserStore userStore,
            DirectoryStore directory,
            DirectoryRelay relay,
            PasswordHasher hasher,
            CollectionStatistics statistics,
            Clock clock) {
        return new MongoImport(
                templates,
                new ImportedOrganizations(organizations, tenants, new ImportedOrganizationStore(control)),
                new ImportedUsers(connections, userStore, directory, relay, hasher, templates, clock),
                new DocumentWriter(connections, new DocumentStore(clock), statistics),
                tenants);
    }

    /**
     * An import to run.
     *
     * @param dump the folder of the {@code mongodump} or {@code mongoexport} output
     * @param reports where to write the report (one file per organization and a summary); none when empty
     */
    public record Request(Path dump, ImportMapping mapping, Optional<Path> reports, AuditEntry.Actor actor) {}

    /** What the import tells while it reads: bytes of the source read of all, and documents read. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (read, total, documents) -> {};

        void at(long bytesRead, long bytesTotal, long documents);
    }

    /**
     * What a step tells while it reads, and asks between batches.
     *
     * <p>Implementations are called from the step's thread only.
     */
    public interface StepListener {
        StepListener NONE = new StepListener() {
            @Override
            public void at(long bytesRead, long bytesTotal, long documents, LongSupplier rejected) {}

            @Override
            public boolean cancelled() {
                return false;
            }
        };

        /**
         * Bytes of the source read of all, and documents read, since the import began (the steps before
         * this one included); {@code rejected} counts what was left out so far, computed when asked.
         */
        void at(long bytesRead, long bytesTotal, long documents, LongSupplier rejected);

        /** Whether to stop after the batch just written: whole batches stay, the rest is left for a re-run. */
        boolean cancelled();
    }

    /**
     * Called before anything is written into an organization (its users, a batch of its documents), at
     * least once per step and organization: the job takes the organization's lease there.
     */
    @FunctionalInterface
    public interface TenantWrites {
        TenantWrites NONE = tenantId -> {};

        void before(UUID tenantId);
    }

    /** The first step: the registry and the users read, each organization found or created, its users written. */
    public static final String PREPARE = "prepare";
    /** The last step: the report put together from what the others found. */
    public static final String FINISH = "finish";

    private static final String COLLECTION = "collection:";

    /** The name every id of the import derives from: the mapping's {@code source}, else the folder's name. */
    public static String source(Request request) {
        String source = request.mapping().source().orElseGet(() -> folderName(request.dump()));
        if (source.equals(ImportedOrganizationStore.DEMO_SOURCE)) {
            // the demo loader finishes what it recorded under that name: an import must not reach its organizations
            throw ProblemType.INVALID_JSON
                    .exception("source '" + source + "' is the demo's own; name the import's source otherwise")
                    .with("field", "source");
        }
        return source;
    }

    /**
     * The steps of an import of {@code request}: {@value #PREPARE}, then one per collection of data
     * ({@code collection:<database>/<file>}, a reference's target before the collections naming it),
     * then {@value #FINISH}. Each step is resumable: run again, it converges on what it wrote before.
     *
     * @throws UncheckedIOException when the folder is not there
     */
    public List<String> plan(Request request) {
        Run run =
                new Run(request, new ImportReport(source(request)), StepListener.NONE, TenantWrites.NONE, Totals.NONE);
        List<SourceCollection> collections = MongoFiles.scan(request.dump());
        run.readRegistry(collections, false);
        run.classify(collections);
        List<String> steps = new ArrayList<>(List.of(PREPARE));
        for (Placed placed : run.ordered(run.dataFiles)) {
            steps.add(COLLECTION + stepName(placed.collection()));
        }
        steps.add(FINISH);
        return steps;
    }

    /**
     * Runs one step of {@link #plan} other than {@value #FINISH} and returns what it found ({@code
     * report}, and for {@value #PREPARE} the {@code organizations} the later steps write into), to be
     * kept and handed to the steps after it as {@code before}, in the plan's order.
     */
    public JsonNode step(
            Request request, String step, List<JsonNode> before, StepListener listener, TenantWrites writes) {
        long started = System.nanoTime();
        List<SourceCollection> collections = MongoFiles.scan(request.dump());
        Run run = new Run(request, new ImportReport(source(request)), listener, writes, Totals.of(before));
        run.total = collections.stream().mapToLong(SourceCollection::size).sum();
        // the registry says which database is whose: every step reads it, the first one counts it
        run.readRegistry(collections, step.equals(PREPARE));
        run.classify(collections);
        ObjectNode outcome = Json.object();
        try {
            if (step.equals(PREPARE)) {
                run.readUsers();
                run.prepareOrganizations();
                outcome.set("organizations", run.prepared());
            } else if (step.startsWith(COLLECTION)) {
                String wanted = step.substring(COLLECTION.length());
                run.restore(before.isEmpty() ? Json.object() : before.getFirst().path("organizations"));
                Optional<Placed> placed = run.dataFiles.stream()
                        .filter(file -> stepName(file.collection()).equals(wanted))
                        .findFirst();
                if (placed.isPresent()) {
                    run.importCollection(placed.get());
                } else {
                    run.report.note("collection " + wanted + " is no longer in the source folder: skipped");
                }
            } else {
                throw new IllegalArgumentException("an import has no step " + step);
            }
        } catch (Stopped stopped) {
            run.report.note("stopped by an administrator during " + step + ": run the import again for the rest");
        }
        run.report.read(run.documents.get(), run.read.get(), Duration.ofNanos(System.nanoTime() - started));
        outcome.set("report", run.report.json());
        return outcome;
    }

    /** Runs the import here, every step in turn, and returns (and writes, when asked) its report. */
    public ImportReport run(Request request, Progress progress) {
        StepListener listener = new StepListener() {
            @Override
            public void at(long bytesRead, long bytesTotal, long documents, LongSupplier rejected) {
                progress.at(bytesRead, bytesTotal, documents);
            }

            @Override
            public boolean cancelled() {
                return false;
            }
        };
        List<JsonNode> outcomes = new ArrayList<>();
        for (String step : plan(request)) {
            if (!step.equals(FINISH)) {
                outcomes.add(step(request, step, outcomes, listener, TenantWrites.NONE));
            }
        }
        ImportReport report = ImportReport.of(source(request), outcomes);
        request.reports().ifPresent(folder -> write(report, folder));
        log.info(
                "import of {}: {} documents read, {} written, {}",
                report.source(),
                report.documentsRead(),
                report.written(),
                report.complete() ? "complete" : "with rejections");
        return report;
    }

    /** Where a step's counting starts: what the steps before it read and rejected. */
    private record Totals(long bytes, long documents, long rejected) {
        static final Totals NONE = new Totals(0, 0, 0);

        static Totals of(List<JsonNode> before) {
            long bytes = 0;
            long documents = 0;
            long rejected = 0;
            for (JsonNode outcome : before) {
                JsonNode report = outcome.path("report");
                bytes += report.path("bytesRead").asLong();
                documents += report.path("documentsRead").asLong();
                rejected += ImportReport.rejectedIn(report);
            }
            return new Totals(bytes, documents, rejected);
        }
    }

    /** Thrown between batches when the job was cancelled: the step ends with what it wrote. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("stopped", null, false, false);
        }
    }

    private static String stepName(SourceCollection collection) {
        return collection.database() + "/" + collection.file().getFileName();
    }

    /** One run's state. */
    private final class Run {
        final String source;
        final ImportMapping mapping;
        final AuditEntry.Actor actor;
        final ImportReport report;
        final StepListener listener;
        final TenantWrites writes;
        final Totals base;
        final AtomicLong read = new AtomicLong();
        final AtomicLong documents = new AtomicLong();
        long total;

        /** User collections with their organization key (empty: per document) and service. */
        final List<Placed> userFiles = new ArrayList<>();
        /** Users read after the others, whose copies they only complete (the dual-write POS's main database). */
        final List<Placed> secondaryUserFiles = new ArrayList<>();

        final List<Placed> dataFiles = new ArrayList<>();
        /** The registry's entries by organization key. */
        final Map<String, BsonDocument> entries = new LinkedHashMap<>();
        /** An entry's key, and its {@code _id}, to the organization key. */
        final Map<String, String> keys = new HashMap<>();
        /** A database an entry names to the organization key. */
        final Map<String, String> databasesOfEntries = new HashMap<>();

        final Map<String, List<ImportedUsers.Copy>> copies = new LinkedHashMap<>();
        final Map<String, String> namesFromUsers = new HashMap<>();
        final Map<String, Set<String>> services = new LinkedHashMap<>();
        final Map<String, Context> contexts = new HashMap<>();

        Run(Request request, ImportReport report, StepListener listener, TenantWrites writes, Totals base) {
            this.source = report.source();
            this.mapping = request.mapping();
            this.actor = request.actor();
            this.report = report;
            this.listener = listener;
            this.writes = writes;
            this.base = base;
        }

        /** The organizations as the later steps need them: each one's Silo id (none: not imported) and users' ids. */
        ObjectNode prepared() {
            ObjectNode out = Json.object();
            contexts.forEach((key, context) -> {
                ObjectNode one = out.putObject(key);
                context.tenant()
                        .ifPresent(tenant -> one.put("tenant", tenant.id().toString()));
                ObjectNode aliases = one.putObject("aliases");
                context.aliases().forEach((hex, id) -> aliases.put(hex, id.toString()));
            });
            return out;
        }

        /** The organizations the first step prepared, found again; one deleted since is not written into. */
        void restore(JsonNode prepared) {
            for (Map.Entry<String, JsonNode> entry : prepared.properties()) {
                ImportReport.Tenant tenantReport = report.tenant(entry.getKey());
                Map<String, UUID> aliases = new HashMap<>();
                for (Map.Entry<String, JsonNode> alias :
                        entry.getValue().path("aliases").properties()) {
                    aliases.put(alias.getKey(), UUID.fromString(alias.getValue().asString()));
                }
                Optional<Tenant> tenant = Optional.ofNullable(
                                entry.getValue().path("tenant").asString(null))
                        .map(UUID::fromString)
                        .flatMap(tenants::find);
                contexts.put(entry.getKey(), new Context(entry.getKey(), tenantReport, aliases, tenant));
            }
        }

        void classify(List<SourceCollection> collections) {
            Set<String> registryDatabases = new HashSet<>();
            collections.stream().filter(this::isRegistry).forEach(found -> registryDatabases.add(found.database()));
            for (SourceCollection collection : collections) {
                if (isRegistry(collection)) {
                    continue;
                }
                if (mainDatabaseUsers(collection, registryDatabases)) {
                    secondaryUserFiles.add(new Placed(
                            collection, Optional.empty(), mapping.service().orElseThrow()));
                    continue;
                }
                if (mapping.userDatabase().filter(collection.database()::equals).isPresent()) {
                    if (collection.name().equals(mapping.userCollection())) {
                        userFiles.add(new Placed(
                                collection, Optional.empty(), mapping.service().orElseThrow()));
                    } else {
                        report.note("database " + collection.database() + " holds the users: " + collection.name()
                                + " skipped");
                    }
                    continue;
                }
                Optional<String> key;
                String service;
                if (mapping.layout() == Layout.REGISTRY) {
                    key = Optional.ofNullable(databasesOfEntries.get(collection.database()));
                    if (key.isEmpty()) {
                        report.note("database " + collection.database() + " is named by no entry of the registry ("
                                + mapping.registry()
                                        .map(ImportMapping.Registry::collection)
                                        .orElse("none")
                                + "): " + collection.name() + " skipped");
                        continue;
                    }
                    service = mapping.service().orElseThrow();
                } else {
                    Matcher matcher = mapping.databases().matcher(collection.database());
                    if (!matcher.matches()) {
                        report.note("database " + collection.database() + " matches no pattern of the "
                                + mapping.layout().text() + " layout (" + mapping.databases() + "): "
                                + collection.name() + " skipped");
                        continue;
                    }
                    key = mapping.layout() == Layout.SHARED
                            ? Optional.empty()
                            : Optional.of(keyOf(matcher.group("org")));
                    service = mapping.layout() == Layout.PER_SERVICE
                            ? matcher.group("service")
                            : mapping.service().orElseThrow();
                }
                if (templates.find(service).isEmpty()) {
                    report.note("service " + service + " of database " + collection.database()
                            + " has no template: skipped");
                    continue;
                }
                key.ifPresent(org -> services.computeIfAbsent(org, ignored -> new LinkedHashSet<>())
                        .add(service));
                Placed placed = new Placed(collection, key, service);
                if (collection.name().equals(key.map(mapping::userCollectionOf).orElse(mapping.userCollection()))) {
                    userFiles.add(placed);
                } else {
                    dataFiles.add(placed);
                }
            }
        }

        /**
         * The dual-write POS kept every user twice: in its main database (the one holding the
         * organizations), naming their organization in {@code organizationField}, and in the
         * organization's own database. That system read the tenant's copy, so the main copy only
         * completes it: read after the others, it adds a user the tenant database lacks, and where
         * the two differ the report says so and the tenant's copy is kept.
         */
        private boolean mainDatabaseUsers(SourceCollection collection, Set<String> registryDatabases) {
            return mapping.layout() == Layout.PER_TENANT
                    && registryDatabases.contains(collection.database())
                    && !mapping.databases().matcher(collection.database()).matches()
                    && collection.name().equals(mapping.userCollection());
        }

        boolean isRegistry(SourceCollection collection) {
            return mapping.registry()
                    .filter(registry -> registry.collection().equals(collection.name())
                            && (registry.database().isEmpty()
                                    || registry.database().equals(collection.database())))
                    .isPresent();
        }

        /**
         * Reads the registry's entries: each one's key (its {@code key} field, else its {@code _id}) is
         * the organization's, and names it together with its {@code _id} and the database it names.
         */
        void readRegistry(List<SourceCollection> collections, boolean counted) {
            Optional<ImportMapping.Registry> named = mapping.registry();
            for (SourceCollection collection : collections) {
                if (!isRegistry(collection)) {
                    continue;
                }
                java.util.function.Consumer<BsonDocument> each = document -> {
                    Optional<String> id = idText(document.get("_id"));
                    Optional<String> key = Optional.ofNullable(
                                    document.get(named.orElseThrow().key()))
                            .flatMap(MongoImport::idText)
                            .filter(text -> !text.isBlank())
                            .or(() -> id);
                    if (key.isEmpty()) {
                        return;
                    }
                    entries.putIfAbsent(key.get(), document);
                    keys.put(key.get(), key.get());
                    id.ifPresent(hex -> keys.putIfAbsent(hex, key.get()));
                    field(document, named.orElseThrow().databaseName())
                            .ifPresent(database -> databasesOfEntries.putIfAbsent(database, key.get()));
                };
                if (counted) {
                    read(collection, each);
                } else {
                    MongoFiles.read(collection, quietly(each), bytes -> {});
                }
            }
        }

        /** The organization key that {@code mention} (a registry entry's key or {@code _id}, or any other key) stands for. */
        String keyOf(String mention) {
            return keys.getOrDefault(mention, mention);
        }

        void readUsers() {
            ImportMapping.UserFields fields = mapping.users();
            if (mapping.layout() == Layout.REGISTRY) {
                String service = mapping.service().orElseThrow();
                entries.keySet()
                        .forEach(key -> services.computeIfAbsent(key, ignored -> new LinkedHashSet<>())
                                .add(service));
            }
            if (mapping.registry().filter(ImportMapping.Registry::admin).isPresent()) {
                String service = mapping.service().orElseThrow();
                String adminRole = templates.require(service).adminRole();
                entries.forEach((key, entry) -> idText(entry.get("_id"))
                        .ifPresent(id -> copies.computeIfAbsent(key, ignored -> new ArrayList<>())
                                .add(copy(
                                        service,
                                        id,
                                        entry,
                                        Optional.of(adminRole),
                                        mapping.registry().orElseThrow().collection(),
                                        false))));
            }
            List<Placed> tenantCopiesFirst = new ArrayList<>(userFiles);
            tenantCopiesFirst.addAll(secondaryUserFiles);
            for (Placed placed : tenantCopiesFirst) {
                boolean secondary = secondaryUserFiles.contains(placed);
                read(placed.collection(), document -> {
                    Optional<String> key = placed.key().or(() -> organizationOf(document));
                    Optional<String> id = idText(document.get("_id"));
                    Optional<String> unassigned = key.isEmpty()
                            ? Optional.of("no organization field '" + mapping.organizationField() + "'")
                            : id.isEmpty()
                                    ? Optional.of("no _id")
                                    : mapping.layout() == Layout.REGISTRY && !entries.containsKey(key.get())
                                            ? Optional.of(
                                                    "organization '" + key.get() + "' has no entry in the registry")
                                            : Optional.empty();
                    if (unassigned.isPresent()) {
                        report.unassigned(where(placed.collection()), id.orElse("?"), unassigned.get());
                        return;
                    }
                    services.computeIfAbsent(key.get(), ignored -> new LinkedHashSet<>())
                            .add(placed.service());
                    text(document, List.of("organizationName"))
                            .ifPresent(name -> namesFromUsers.putIfAbsent(key.get(), name));
                    copies.computeIfAbsent(key.get(), ignored -> new ArrayList<>())
                            .add(copy(
                                    placed.service(),
                                    id.get(),
                                    document,
                                    text(document, fields.role()),
                                    where(placed.collection()),
                                    secondary));
                });
            }
        }

        ImportedUsers.Copy copy(
                String service,
                String id,
                BsonDocument document,
                Optional<String> role,
                String origin,
                boolean secondary) {
            ImportMapping.UserFields fields = mapping.users();
            return new ImportedUsers.Copy(
                    service,
                    id,
                    text(document, fields.email()),
                    text(document, fields.username()),
                    text(document, fields.name()).orElse(""),
                    text(document, fields.password()),
                    role,
                    active(document, fields.active()),
                    origin,
                    secondary);
        }

        void prepareOrganizations() {
            for (String key : services.keySet()) {
                context(key);
            }
        }

        /** The organization {@code key} of the source, prepared at its first mention. */
        Context context(String key) {
            Context known = contexts.get(key);
            if (known != null) {
                return known;
            }
            ImportReport.Tenant tenantReport = report.tenant(key);
            Map<String, UUID> aliases = new HashMap<>();
            Context context = new Context(key, tenantReport, aliases, Optional.empty());
            contexts.put(key, context);
            List<ImportedUsers.Person> persons =
                    users.merge(copies.getOrDefault(key, List.of()), mapping, tenantReport);
            Optional<ImportedUsers.Person> admin = users.firstAdmin(persons);
            if (admin.isEmpty()) {
                tenantReport.status = "failed";
                tenantReport.reason = Optional.of("the source has no user of organization '" + key
                        + "' to be its first administrator: nothing of it was imported");
                return context;
            }
            Optional<BsonDocument> entry = Optional.ofNullable(entries.get(key));
            String name = registered(entry, ImportMapping.Registry::name)
                    .or(() -> Optional.ofNullable(namesFromUsers.get(key)))
                    .orElse(key);
            Set<String> wantedServices = Optional.ofNullable(services.get(key))
                    .orElseGet(() -> Set.of(mapping.service().orElseThrow()));
            // the registry layout's databases are the registry's: their names are kept where Silo can keep them
            Map<String, String> databaseNames = new LinkedHashMap<>();
            registered(entry, ImportMapping.Registry::databaseName)
                    .filter(database -> mapping.layout() == Layout.REGISTRY && wantedServices.size() == 1)
                    .ifPresent(database ->
                            databaseNames.put(wantedServices.iterator().next(), database));
            ImportedUsers.Person first = admin.get();
            Optional<Tenant> tenant = organizations.resolve(
                    new ImportedOrganizations.Wanted(
                            source,
                            key,
                            name,
                            registered(entry, ImportMapping.Registry::businessType),
                            registered(entry, ImportMapping.Registry::slug),
                            registered(entry, ImportMapping.Registry::license),
                            quotas(entry, tenantReport),
                            databaseNames,
                            List.copyOf(wantedServices),
                            new NewOrganization.FirstAdmin(first.email, first.username, first.name, ""),
                            firstHash(first, key)),
                    tenantReport,
                    actor);
            if (tenant.isEmpty()) {
                return context;
            }
            Optional<ImportedUsers.Person> madeWithTenant =
                    tenantReport.status().equals("created") ? admin : Optional.empty();
            writes.before(tenant.get().id());
            aliases.putAll(users.write(tenant.get(), source, persons, madeWithTenant, tenantReport));
            Context ready = new Context(key, tenantReport, aliases, tenant);
            contexts.put(key, ready);
            return ready;
        }

        /** What the organization's registry entry says in the field {@code which} names, if it names one. */
        Optional<String> registered(Optional<BsonDocument> entry, Function<ImportMapping.Registry, String> which) {
            return entry.flatMap(
                    found -> field(found, mapping.registry().map(which).orElse("")));
        }

        /**
         * The quotas the registry entry sets, as whole numbers; a value that is not one Silo takes
         * ({@code maxUsers} below 1, a negative or fractional one, text) is noted and left out. The
         * import's own writes are not held to them: they limit what members add afterwards.
         */
        Map<String, Object> quotas(Optional<BsonDocument> entry, ImportReport.Tenant tenantReport) {
            Map<String, Object> quotas = new LinkedHashMap<>();
            mapping.registry()
                    .map(ImportMapping.Registry::quotas)
                    .orElse(Map.of())
                    .forEach((quota, from) -> entry.map(found -> found.get(from))
                            .ifPresent(value -> {
                                Optional<Long> whole = wholeNumber(value)
                                        .filter(number -> number >= (quota.equals("maxUsers") ? 1 : 0));
                                if (whole.isPresent()) {
                                    quotas.put(quota, whole.get());
                                } else {
                                    tenantReport.note("quota " + quota + " (" + from + ": " + value
                                            + ") is not one Silo takes:" + " not kept");
                                }
                            }));
            return quotas;
        }

        /** The first administrator's hash, computed only when the organization is to be created. */
        private String firstHash(ImportedUsers.Person first, String key) {
            // the organization's id is not known yet; the claimant only takes turns, so the source's key stands in
            return users.hash(first, source + "/" + key, report.tenant(key));
        }

        void importCollection(Placed placed) {
            ServiceTemplate template = templates.require(placed.service());
            String target = mapping.target(placed.collection().name());
            Optional<CollectionSpec> spec = template.collection(target);
            compareIndexes(placed, template, target);
            Map<String, Batches> batches = new LinkedHashMap<>();
            read(placed.collection(), document -> {
                Optional<String> key = placed.key().or(() -> organizationOf(document));
                String sourceId = idText(document.get("_id")).orElse("?");
                if (key.isEmpty()) {
                    report.unassigned(
                            where(placed.collection()),
                            sourceId,
                            "no organization field '" + mapping.organizationField() + "'");
                    return;
                }
                Context context = context(key.get());
                if (spec.isEmpty()) {
                    context.report()
                            .note("collection " + placed.collection().name() + " has no counterpart in the "
                                    + template.service()
                                    + " template: its documents were not imported (map it under 'collections',"
                                    + " or add it to the template)");
                    context.report().counts(placed.service(), target).rejected++;
                    return;
                }
                if (context.tenant().isEmpty()) {
                    context.report().counts(placed.service(), target).rejected++;
                    return;
                }
                Batches forTenant = batches.computeIfAbsent(
                        key.get(), ignored -> new Batches(context, template, spec.get(), writes));
                convert(document, sourceId, context, template, spec.get(), forTenant);
                if (forTenant.size() >= BATCH) {
                    forTenant.flush();
                    if (listener.cancelled()) {
                        throw new Stopped();
                    }
                }
            });
            batches.values().forEach(Batches::flush);
            batches.values().forEach(Batches::analyze);
        }

        void convert(
                BsonDocument document,
                String sourceId,
                Context context,
                ServiceTemplate template,
                CollectionSpec spec,
                Batches batches) {
            UUID id = stableId(document.get("_id"), spec.name(), context);
            ObjectNode json;
            try {
                json = BsonJson.object(document, context.ids(source));
            } catch (RuntimeException e) {
                context.report().reject(template.service(), spec.name(), sourceId, "cannot convert: " + e.getMessage());
                return;
            }
            json.remove("_id");
            datesAsDays(document, json, spec);
            mapping.dropFields().forEach(json::remove);
            rename(json, spec.name());
            referencesAsIds(json, spec, context);
            for (ImportMapping.Embedded embedded : mapping.embedded()) {
                if (embedded.collection().equals(spec.name())
                        && json.path(embedded.field()).isArray()) {
                    ArrayNode items = (ArrayNode) json.remove(embedded.field());
                    extract(items, embedded, id, sourceId, context, template, batches);
                }
            }
            batches.main.add(new DocumentWriter.Pending(id, sourceId, json));
        }

        void extract(
                ArrayNode items,
                ImportMapping.Embedded embedded,
                UUID parent,
                String parentSourceId,
                Context context,
                ServiceTemplate template,
                Batches batches) {
            Optional<CollectionSpec> target = template.collection(embedded.target());
            if (target.isEmpty()) {
                context.report()
                        .note("embedded " + embedded.collection() + "." + embedded.field() + " goes to "
                                + embedded.target() + ", which the " + template.service()
                                + " template lacks: left out");
                return;
            }
            List<DocumentWriter.Pending> children =
                    batches.children.computeIfAbsent(target.get().name(), ignored -> new ArrayList<>());
            for (int i = 0; i < items.size(); i++) {
                if (!items.get(i).isObject()) {
                    context.report()
                            .reject(template.service(), embedded.target(), parentSourceId + "/" + i, "not a document");
                    continue;
                }
                ObjectNode child = (ObjectNode) items.get(i).deepCopy();
                JsonNode ownId = child.remove("_id");
                UUID id = ownId != null && ownId.isString() && isUuid(ownId.asString())
                        ? UUID.fromString(ownId.asString())
                        : StableIds.of(source, parentSourceId + "/" + embedded.field() + "/" + i);
                child.put(embedded.parentField(), parent.toString());
                referencesAsIds(child, target.get(), context);
                children.add(new DocumentWriter.Pending(id, parentSourceId + "/" + embedded.field() + "/" + i, child));
            }
            batches.childSpecs.put(target.get().name(), target.get());
        }

        /** A BSON date in a field whose schema says {@code format: date} is written as its day in UTC. */
        void datesAsDays(BsonDocument document, ObjectNode json, CollectionSpec spec) {
            JsonNode properties =
                    spec.schema().map(schema -> schema.path("properties")).orElse(Json.object());
            for (Map.Entry<String, BsonValue> field : document.entrySet()) {
                if (field.getValue().isDateTime()
                        && properties
                                .path(field.getKey())
                                .path("format")
                                .asString("")
                                .equals("date")) {
                    json.put(
                            field.getKey(), json.path(field.getKey()).asString().substring(0, 10));
                }
            }
        }

        void rename(ObjectNode json, String collection) {
            Map<String, String> renames = mapping.fields().getOrDefault(collection, Map.of());
            renames.forEach((from, to) -> {
                JsonNode value = json.remove(from);
                if (value != null) {
                    json.set(to, value);
                }
            });
        }

        /** A reference kept as an ObjectId's hex text (not an ObjectId) is rewritten as well. */
        void referencesAsIds(ObjectNode json, CollectionSpec spec, Context context) {
            Function<String, UUID> ids = context.ids(source);
            for (String field : spec.references().keySet()) {
                JsonNode value = json.get(field);
                if (value != null
                        && value.isString()
                        && OBJECT_ID.matcher(value.asString()).matches()) {
                    json.put(field, ids.apply(value.asString()).toString());
                } else if (value != null && value.isArray()) {
                    ArrayNode rewritten = json.putArray(field);
                    for (JsonNode item : value) {
                        rewritten.add(
                                item.isString()
                                                && OBJECT_ID
                                                        .matcher(item.asString())
                                                        .matches()
                                        ? Json.tree(ids.apply(item.asString()).toString())
                                        : item);
                    }
                }
            }
        }

        UUID stableId(BsonValue id, String collection, Context context) {
            if (id != null && id.isObjectId()) {
                return context.ids(source).apply(id.asObjectId().getValue().toHexString());
            }
            if (id != null && id.isBinary() && id.asBinary().getType() == 4) {
                return id.asBinary().asUuid();
            }
            String text = idText(id).orElse("");
            if (isUuid(text)) {
                return UUID.fromString(text);
            }
            // ids that are not ObjectIds (strings, numbers) are unique within their collection only
            return StableIds.of(source, collection + ":" + text);
        }

        Optional<String> organizationOf(BsonDocument document) {
            return Optional.ofNullable(document.get(mapping.organizationField()))
                    .flatMap(MongoImport::idText)
                    .filter(text -> !text.isBlank())
                    .map(this::keyOf);
        }

        void compareIndexes(Placed placed, ServiceTemplate template, String target) {
            Optional<CollectionSpec> spec = template.collection(target);
            Optional<BsonDocument> metadata = MongoFiles.metadata(placed.collection());
            if (spec.isEmpty() || metadata.isEmpty() || !metadata.get().containsKey("indexes")) {
                return;
            }
            Map<String, String> renames = mapping.fields().getOrDefault(target, Map.of());
            Set<List<String>> uniques = new LinkedHashSet<>();
            spec.get()
                    .unique()
                    .forEach(fields ->
                            uniques.add(fields.stream().map(FieldPath::toString).toList()));
            Set<List<String>> indexed = new LinkedHashSet<>(uniques);
            spec.get()
                    .indexes()
                    .forEach(index -> indexed.add(
                            index.fields().stream().map(FieldPath::toString).toList()));
            spec.get().references().keySet().forEach(field -> indexed.add(List.of(field)));
            for (BsonValue value : metadata.get().getArray("indexes")) {
                if (!value.isDocument() || !value.asDocument().containsKey("key")) {
                    continue;
                }
                BsonDocument index = value.asDocument();
                List<String> fields = index.getDocument("key").keySet().stream()
                        .map(field -> renames.getOrDefault(field, field))
                        .toList();
                if (fields.equals(List.of("_id"))) {
                    continue;
                }
                boolean unique =
                        index.getBoolean("unique", org.bson.BsonBoolean.FALSE).getValue();
                String where = template.service() + "." + target;
                if (unique && !uniques.contains(fields)) {
                    report.note(where + ": MongoDB's unique index on " + fields + " is not unique in the template:"
                            + " duplicates it refused would be accepted");
                } else if (!unique && !indexed.contains(fields) && !fields.contains(mapping.organizationField())) {
                    report.note(where + ": MongoDB's index on " + fields + " has no counterpart in the template:"
                            + " queries on it read the whole collection");
                }
            }
        }

        /** Collections in an order where a reference's target comes before the collections naming it. */
        List<Placed> ordered(List<Placed> files) {
            List<Placed> out = new ArrayList<>(files);
            Map<String, Integer> depth = new HashMap<>();
            out.sort(Comparator.comparing((Placed placed) -> placed.service())
                    .thenComparing(placed -> depth(
                            placed.service(), mapping.target(placed.collection().name()), depth, 0))
                    .thenComparing(placed -> placed.collection().name()));
            return out;
        }

        int depth(String service, String collection, Map<String, Integer> memo, int guard) {
            String memoKey = service + "." + collection;
            Integer known = memo.get(memoKey);
            if (known != null || guard > 16) {
                return known == null ? 0 : known;
            }
            int deepest = 0;
            Optional<CollectionSpec> spec = templates.require(service).collection(collection);
            for (String target :
                    spec.map(CollectionSpec::references).orElse(Map.of()).values()) {
                if (!target.equals(collection) && !target.equals(CollectionSpec.USERS)) {
                    deepest = Math.max(deepest, 1 + depth(service, target, memo, guard + 1));
                }
            }
            memo.put(memoKey, deepest);
            return deepest;
        }

        /** A sink that hands each document on, counting nothing and reporting nothing: a read done again. */
        MongoFiles.Sink quietly(java.util.function.Consumer<BsonDocument> each) {
            return new MongoFiles.Sink() {
                @Override
                public void document(BsonDocument document) {
                    each.accept(document);
                }

                @Override
                public void unreadable(String where, String reason, boolean fatal) {}
            };
        }

        void read(SourceCollection collection, java.util.function.Consumer<BsonDocument> each) {
            MongoFiles.read(
                    collection,
                    new MongoFiles.Sink() {
                        @Override
                        public void document(BsonDocument document) {
                            documents.incrementAndGet();
                            each.accept(document);
                        }

                        @Override
                        public void unreadable(String where, String reason, boolean fatal) {
                            report.unassigned(MongoImport.where(collection), where, reason);
                        }
                    },
                    bytes -> listener.at(
                            base.bytes() + read.addAndGet(bytes),
                            total,
                            base.documents() + documents.get(),
                            () -> base.rejected() + report.rejectedCount()));
        }
    }

    /** A collection of the source placed: the organization its database names (empty: per document) and its service. */
    private record Placed(SourceCollection collection, Optional<String> key, String service) {}

    /** An organization of the source as the run knows it: its report, its users' ids, and the organization once usable. */
    private record Context(String key, ImportReport.Tenant report, Map<String, UUID> aliases, Optional<Tenant> tenant) {
        Function<String, UUID> ids(String source) {
            return hex -> aliases.getOrDefault(hex, StableIds.of(source, hex));
        }
    }

    /** The pending documents of one collection of one organization, and of the collections its embedded arrays go to. */
    private final class Batches {
        final Context context;
        final ServiceTemplate template;
        final CollectionSpec spec;
        final List<DocumentWriter.Pending> main = new ArrayList<>();
        final Map<String, List<DocumentWriter.Pending>> children = new LinkedHashMap<>();
        final Map<String, CollectionSpec> childSpecs = new HashMap<>();
        final TenantWrites writes;

        Batches(Context context, ServiceTemplate template, CollectionSpec spec, TenantWrites writes) {
            this.context = context;
            this.writes = writes;
            this.template = template;
            this.spec = spec;
        }

        int size() {
            return main.size() + children.values().stream().mapToInt(List::size).sum();
        }

        /** Parents first: a child's reference to its parent must find it. */
        void flush() {
            Tenant tenant = context.tenant().orElseThrow();
            writes.before(tenant.id());
            writer.write(tenant, template.service(), spec, List.copyOf(main), context.report());
            main.clear();
            children.forEach((name, pending) -> {
                writer.write(tenant, template.service(), childSpecs.get(name), List.copyOf(pending), context.report());
                pending.clear();
            });
        }

        /** Statistics for what was just loaded: a table filled in one go has none until autovacuum's threshold. */
        void analyze() {
            List<CollectionSpec> loaded = new ArrayList<>(childSpecs.values());
            loaded.addFirst(spec);
            context.tenant().ifPresent(tenant -> writer.analyze(tenant, template.service(), loaded));
        }
    }

    static Optional<String> idText(BsonValue value) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        return Optional.of(
                switch (value.getBsonType()) {
                    case OBJECT_ID -> value.asObjectId().getValue().toHexString();
                    case STRING -> value.asString().getValue();
                    case INT32 -> Integer.toString(value.asInt32().getValue());
                    case INT64 -> Long.toString(value.asInt64().getValue());
                    case BINARY ->
                        value.asBinary().getType() == 4
                                ? value.asBinary().asUuid().toString()
                                : java.util.HexFormat.of()
                                        .formatHex(value.asBinary().getData());
                    default -> value.toString();
                });
    }

    private static Optional<String> text(BsonDocument document, List<String> fields) {
        for (String field : fields) {
            BsonValue value = document.get(field);
            if (value != null && value.isString()) {
                return Optional.of(value.asString().getValue());
            }
        }
        return Optional.empty();
    }

    /** A field's value as text (a string, a number, an id); empty when {@code field} is empty, or the value absent or blank. */
    private static Optional<String> field(BsonDocument document, String field) {
        if (field.isEmpty()) {
            return Optional.empty();
        }
        return idText(document.get(field)).filter(text -> !text.isBlank());
    }

    private static Optional<Long> wholeNumber(BsonValue value) {
        try {
            if (value.isInt32() || value.isInt64()) {
                return Optional.of(value.asNumber().longValue());
            }
            if (value.isDouble() || value.isDecimal128()) {
                java.math.BigDecimal number = value.isDouble()
                        ? java.math.BigDecimal.valueOf(value.asDouble().getValue())
                        : value.asDecimal128().getValue().bigDecimalValue();
                return Optional.of(number.longValueExact());
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // a fraction, beyond a long, or not a number at all (NaN, infinities)
        }
        return Optional.empty();
    }

    private static boolean active(BsonDocument document, List<String> fields) {
        for (String field : fields) {
            BsonValue value = document.get(field);
            if (value != null && value.isBoolean()) {
                return value.asBoolean().getValue();
            }
        }
        return true;
    }

    private static boolean isUuid(String text) {
        return text.length() == 36
                && text.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    }

    private static String where(SourceCollection collection) {
        return collection.database() + "." + collection.name();
    }

    private static String folderName(Path dump) {
        Path name = dump.toAbsolutePath().normalize().getFileName();
        return name == null ? "mongodb" : name.toString();
    }

    private static void write(ImportReport report, Path folder) {
        report.write(folder);
    }
}
