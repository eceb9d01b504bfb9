package io.silo.app.imports;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * How a MongoDB system's databases, collections and fields map onto organizations, services and
 * collections: one of three layouts with the defaults of the seeds' systems, changed by a small
 * YAML or JSON file the operator passes ({@code docs/import.md} lists its keys).
 *
 * @param layout how organizations are found in the source
 * @param source the name ids are derived from ({@link StableIds}); empty means the dump folder's name
 * @param service the service every collection goes to (shared and per-tenant layouts)
 * @param organizationField the field naming a document's organization (shared layout)
 * @param databases which databases to import: a pattern with a group {@code org} (per-tenant), and
 *     {@code service} too (per-service); any database but the registry's for the shared layout; unused
 *     by the registry layout, whose registry names each organization's database
 * @param userCollection the collection of users; {@code {org}} stands for the organization's key
 * @param userDatabase the database holding every organization's users, each naming its organization
 *     in {@code organizationField} (the ERP's {@code erp_database}); empty: the users are in each
 *     organization's own database (or, shared layout, in the shared one)
 * @param users which fields of a user document hold what
 * @param collections source collection → Silo collection, where the names differ
 * @param fields per Silo collection, source field → Silo field
 * @param roles source role → Silo role, tried before a role of the same name
 * @param embedded arrays of documents moved to a collection of their own
 * @param registry where organizations' names are, if the source has such a collection
 * @param dropFields top-level fields left out of every document (Mongoose's {@code __v})
 */
public record ImportMapping(
        Layout layout,
        Optional<String> source,
        Optional<String> service,
        String organizationField,
        Pattern databases,
        String userCollection,
        Optional<String> userDatabase,
        UserFields users,
        Map<String, String> collections,
        Map<String, Map<String, String>> fields,
        Map<String, String> roles,
        List<Embedded> embedded,
        Optional<Registry> registry,
        List<String> dropFields) {

    /** How a source's documents are split into organizations. */
    public enum Layout {
        /** One database; each document names its organization in a field (the ERP's legacy mode). */
        SHARED,
        /** A database per organization, named by a pattern ({@code tenant_<ObjectId>}). */
        PER_TENANT,
        /** A database per organization and service, each with its own user collection (the office suite). */
        PER_SERVICE,
        /**
         * A database per organization, named by the organization's entry in a registry (the ERP's
         * multi-database mode: {@code admin_hub.tenants_registry}'s {@code db_name}; the school's
         * {@code smart_crm_master.AdminRegistry}'s {@code databaseName}).
         */
        REGISTRY;

        /** The layout written as in a mapping file or on the command line: {@code shared}, {@code per-tenant}, {@code per-service}, {@code registry}. */
        public static Layout parse(String text) {
            for (Layout layout : values()) {
                if (layout.text().equals(text)) {
                    return layout;
                }
            }
            throw invalid("layout", "'" + text + "' is no layout; use " + TEXTS);
        }

        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Every layout as written, for messages. */
        public static final String TEXTS = "shared, per-tenant, per-service or registry";
    }

    /** The fields of a user document; each list is tried in order, the first present wins. */
    public record UserFields(
            List<String> email,
            List<String> username,
            List<String> name,
            List<String> password,
            List<String> role,
            List<String> active) {
        static final UserFields DEFAULT = new UserFields(
                List.of("email"),
                List.of("username"),
                List.of("name", "full_name", "fullName"),
                List.of("hashed_password", "password", "passwordHash"),
                List.of("role"),
                List.of("isActive", "is_active", "active"));
    }

    /** An array of documents in {@code collection}'s {@code field} that becomes collection {@code target}, each naming its parent in {@code parentField}. */
    public record Embedded(String collection, String field, String target, String parentField) {}

    /**
     * A collection of organizations, one entry each; {@code database} empty means any database. Each
     * value but {@code database}, {@code collection} and {@code admin} names a field of the entries, and
     * an empty one means the entries have no such field.
     *
     * @param key the organization's key: documents and users naming their organization by it (or by the
     *     entry's {@code _id}) belong to it
     * @param name its name
     * @param businessType its business type, which some templates name their databases after
     * @param slug its slug, kept when it is one (else the slug comes from the name)
     * @param databaseName its database: where its data is (registry layout), and the name its database
     *     of the service keeps in Silo when Silo can keep it
     * @param license its license
     * @param quotas Silo quota → field ({@code maxBranches: max_branches})
     * @param admin whether each entry is also its organization's first administrator, with the users'
     *     fields (the school's {@code AdminRegistry})
     */
    public record Registry(
            String database,
            String collection,
            String key,
            String name,
            String businessType,
            String slug,
            String databaseName,
            String license,
            Map<String, String> quotas,
            boolean admin) {

        /** The ERP's {@code admin_hub.tenants_registry}. */
        static final Registry ERP = new Registry(
                "admin_hub",
                "tenants_registry",
                "slug",
                "business_name",
                "business_type",
                "slug",
                "db_name",
                "license_type",
                Map.of("maxUsers", "max_users", "maxBranches", "max_branches"),
                false);

        public Registry {
            quotas = Map.copyOf(quotas);
        }
    }

    /** The defaults for {@code layout}, those of the seed system that used it. */
    public static ImportMapping defaults(Layout layout) {
        List<Embedded> submissions = List.of(new Embedded("assignments", "submissions", "submissions", "assignmentId"));
        return switch (layout) {
            case SHARED ->
                new ImportMapping(
                        layout,
                        Optional.empty(),
                        Optional.of("erp"),
                        "tenant_id",
                        Pattern.compile(".*"),
                        "users",
                        Optional.empty(),
                        UserFields.DEFAULT,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        submissions,
                        Optional.of(Registry.ERP),
                        List.of("__v"));
            case REGISTRY ->
                new ImportMapping(
                        layout,
                        Optional.empty(),
                        Optional.of("erp"),
                        "tenant_id",
                        Pattern.compile(".*"),
                        "users",
                        Optional.of("erp_database"),
                        UserFields.DEFAULT,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        submissions,
                        Optional.of(Registry.ERP),
                        List.of("__v"));
            case PER_TENANT ->
                new ImportMapping(
                        layout,
                        Optional.empty(),
                        Optional.of("pos"),
                        "organizationId",
                        Pattern.compile("tenant_(?<org>[0-9a-f]{24})"),
                        "users",
                        Optional.empty(),
                        UserFields.DEFAULT,
                        Map.of("inventorytransactions", "inventory_transactions"),
                        Map.of(),
                        Map.of(),
                        submissions,
                        Optional.of(new Registry(
                                "", "organizations", "_id", "name", "businessType", "", "", "", Map.of(), false)),
                        List.of("__v"));
            case PER_SERVICE ->
                new ImportMapping(
                        layout,
                        Optional.empty(),
                        Optional.empty(),
                        "organizationId",
                        Pattern.compile("(?<service>billing|crm|pingora)_(?<org>[a-z0-9_]+)"),
                        "user_{org}",
                        Optional.empty(),
                        UserFields.DEFAULT,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        submissions,
                        Optional.empty(),
                        List.of("__v"));
        };
    }

    /** The mapping in {@code file} (YAML or JSON) over the defaults of its {@code layout} (or of {@code layout} when it names none). */
    public static ImportMapping read(Path file, Optional<Layout> layout) {
        JsonNode tree;
        try {
            ObjectMapper yaml = YAMLMapper.builder().build();
            tree = yaml.readTree(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            throw invalid("file", "cannot read the mapping " + file + ": " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw invalid("file", "the mapping " + file + " must be an object");
        }
        return over(tree, layout);
    }

    /** The mapping {@code tree} over the defaults of its {@code layout} (or {@code layout}). */
    static ImportMapping over(JsonNode tree, Optional<Layout> layout) {
        Layout chosen = tree.has("layout")
                ? Layout.parse(tree.get("layout").asString())
                : layout.orElseThrow(() -> invalid("layout", "say which layout: " + Layout.TEXTS));
        ImportMapping base = defaults(chosen);
        tree.propertyNames().forEach(key -> {
            if (!KEYS.contains(key)) {
                throw invalid(key, "unknown key '" + key + "' in the mapping; its keys are " + KEYS);
            }
        });
        ImportMapping mapping = new ImportMapping(
                chosen,
                text(tree, "source").or(base::source),
                text(tree, "service").or(base::service),
                text(tree, "organizationField").orElse(base.organizationField()),
                text(tree, "databases").map(ImportMapping::pattern).orElse(base.databases()),
                text(tree, "userCollection").orElse(base.userCollection()),
                tree.has("userDatabase") ? text(tree, "userDatabase") : base.userDatabase(),
                users(tree.path("users"), base.users()),
                merged(base.collections(), strings(tree.path("collections"))),
                fields(tree.path("fields"), base.fields()),
                merged(base.roles(), strings(tree.path("roles"))),
                tree.has("embedded") ? embedded(tree.get("embedded")) : base.embedded(),
                tree.has("registry") ? registry(tree.get("registry")) : base.registry(),
                tree.has("dropFields") ? list(tree.get("dropFields")) : base.dropFields());
        if (chosen == Layout.REGISTRY
                && mapping.registry().map(Registry::databaseName).orElse("").isEmpty()) {
            throw invalid(
                    "registry",
                    "the registry layout needs a registry whose 'databaseName' names the field holding each"
                            + " organization's database");
        }
        return mapping;
    }

    private static final List<String> KEYS = List.of(
            "layout",
            "source",
            "service",
            "organizationField",
            "databases",
            "userCollection",
            "userDatabase",
            "users",
            "collections",
            "fields",
            "roles",
            "embedded",
            "registry",
            "dropFields");

    /** This mapping with {@code name} as the source ids are derived from. */
    public ImportMapping withSource(String name) {
        return new ImportMapping(
                layout,
                Optional.of(name),
                service,
                organizationField,
                databases,
                userCollection,
                userDatabase,
                users,
                collections,
                fields,
                roles,
                embedded,
                registry,
                dropFields);
    }

    /** The Silo collection a source collection goes to. */
    String target(String sourceCollection) {
        return collections.getOrDefault(sourceCollection, sourceCollection);
    }

    /** The user collection of the organization {@code key}. */
    String userCollectionOf(String key) {
        return userCollection.replace("{org}", key);
    }

    private static Pattern pattern(String text) {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw invalid("databases", "'" + text + "' is no regular expression: " + e.getDescription());
        }
    }

    private static UserFields users(JsonNode node, UserFields base) {
        if (node.isMissingNode()) {
            return base;
        }
        return new UserFields(
                node.has("email") ? list(node.get("email")) : base.email(),
                node.has("username") ? list(node.get("username")) : base.username(),
                node.has("name") ? list(node.get("name")) : base.name(),
                node.has("password") ? list(node.get("password")) : base.password(),
                node.has("role") ? list(node.get("role")) : base.role(),
                node.has("active") ? list(node.get("active")) : base.active());
    }

    private static Map<String, Map<String, String>> fields(JsonNode node, Map<String, Map<String, String>> base) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>(base);
        node.properties().forEach(entry -> out.put(entry.getKey(), strings(entry.getValue())));
        return out;
    }

    private static List<Embedded> embedded(JsonNode node) {
        List<Embedded> out = new ArrayList<>();
        for (JsonNode item : node) {
            out.add(new Embedded(
                    required(item, "collection"),
                    required(item, "field"),
                    required(item, "target"),
                    required(item, "parentField")));
        }
        return List.copyOf(out);
    }

    private static final List<String> REGISTRY_KEYS = List.of(
            "database",
            "collection",
            "key",
            "name",
            "businessType",
            "slug",
            "databaseName",
            "license",
            "quotas",
            "admin");

    private static Optional<Registry> registry(JsonNode node) {
        if (node.isNull()) {
            return Optional.empty();
        }
        node.propertyNames().forEach(key -> {
            if (!REGISTRY_KEYS.contains(key)) {
                throw invalid(
                        "registry." + key, "unknown key '" + key + "' in the registry; its keys are " + REGISTRY_KEYS);
            }
        });
        return Optional.of(new Registry(
                text(node, "database").orElse(""),
                required(node, "collection"),
                text(node, "key").orElse("_id"),
                text(node, "name").orElse("name"),
                text(node, "businessType").orElse("businessType"),
                text(node, "slug").orElse(""),
                text(node, "databaseName").orElse(""),
                text(node, "license").orElse(""),
                strings(node.path("quotas")),
                node.path("admin").asBoolean(false)));
    }

    private static Map<String, String> merged(Map<String, String> base, Map<String, String> more) {
        Map<String, String> out = new LinkedHashMap<>(base);
        out.putAll(more);
        return out;
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.properties()
                .forEach(entry -> out.put(entry.getKey(), entry.getValue().asString()));
        return out;
    }

    private static List<String> list(JsonNode node) {
        if (node.isString()) {
            return List.of(node.asString());
        }
        List<String> out = new ArrayList<>();
        node.forEach(item -> out.add(item.asString()));
        return List.copyOf(out);
    }

    private static Optional<String> text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asString());
    }

    private static String required(JsonNode node, String key) {
        return text(node, key).orElseThrow(() -> invalid(key, "the mapping's entry needs '" + key + "'"));
    }

    private static SiloException invalid(String field, String message) {
        return ProblemType.INVALID_JSON.exception(message).with("field", field);
    }
}
