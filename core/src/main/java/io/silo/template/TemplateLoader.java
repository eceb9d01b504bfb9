package io.silo.template;

import io.silo.error.SiloException;
import io.silo.json.Json;
import io.silo.naming.DatabaseNamer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a service template from YAML and checks every rule of {@code docs/templates.md}. Each
 * problem names the file, the path inside it and the bad value, as in
 * {@code services/billing.yaml: collections.invoices.indexes[1]: 'due date' is not a field path};
 * all problems of a file are reported together, one per line, in one {@code invalid-template}
 * {@link SiloException} (kind {@code INVALID}) whose {@code errors} extension lists them.
 *
 * <p>Thread-safe: stateless.
 */
public final class TemplateLoader {
    /** The database-name pattern of a template that sets none. */
    public static final String DEFAULT_DATABASE_NAME = "{service}_{slug}";

    private static final Pattern SERVICE = Pattern.compile("[a-z][a-z0-9_]{0,30}");
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    private TemplateLoader() {}

    /** Reads the template in {@code file}; problems name the file as given. */
    public static ServiceTemplate load(Path file) {
        try {
            return load(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw Problems.invalid(List.of(file + ": does not exist"));
        } catch (IOException e) {
            throw Problems.invalid(List.of(file + ": cannot be read: " + e));
        }
    }

    /**
     * Reads a template from {@code yaml}.
     *
     * @param source where the text came from, e.g. {@code services/billing.yaml}; starts every problem
     */
    public static ServiceTemplate load(String source, String yaml) {
        Problems problems = new Problems(source);
        JsonNode tree = parse(source, yaml);
        Node root = Node.root(tree, problems);
        if (!tree.isObject()) {
            root.problem("a template is a mapping of service, version, roles, collections, migrations");
            problems.throwIfAny();
        }
        root.allowOnly(
                "service", "version", "description", "databaseName", "roles", "adminRole", "collections", "migrations");
        ServiceTemplate template = read(root, tree);
        problems.throwIfAny();
        return template;
    }

    private static ServiceTemplate read(Node root, JsonNode tree) {
        String service = service(root.get("service"));
        Optional<Integer> version = root.get("version").integer();
        Map<String, CollectionSpec> collections = CollectionReader.read(root.get("collections"));
        Map<String, RoleSpec> roles = RoleReader.read(root.get("roles"), collections.keySet());
        List<Migration> migrations = MigrationReader.read(root.get("migrations"), collections.keySet());
        if (version.isPresent()
                && !migrations.isEmpty()
                && version.get() != migrations.getLast().version()) {
            root.get("version")
                    .problem("'" + version.get() + "' is not the last migration's version, "
                            + migrations.getLast().version() + "; a template's version is its highest migration");
        }
        return new ServiceTemplate(
                service,
                version.orElse(0),
                root.get("description").string().orElse(""),
                databaseName(root.get("databaseName")),
                roles,
                adminRole(root.get("adminRole"), roles),
                collections,
                migrations,
                checksum(tree));
    }

    private static String service(Node node) {
        String name = node.requiredString().orElse("");
        if (!name.isEmpty() && (!SERVICE.matcher(name).matches() || name.equals("silo") || name.startsWith("silo_"))) {
            node.problem("'" + name + "' is not a service name: use a-z, 0-9 and _, starting with a letter, at most 31;"
                    + " silo and silo_... are Silo's own");
        }
        return name;
    }

    /** The declared administrator's role, which must be a role of the template; else the last declared. */
    private static String adminRole(Node node, Map<String, RoleSpec> roles) {
        String last = roles.keySet().stream().reduce((first, second) -> second).orElse("");
        Optional<String> declared = node.string();
        if (declared.isPresent() && !roles.containsKey(declared.get())) {
            node.problem("'" + declared.get() + "' is not a role of this service; use one of "
                    + String.join(", ", roles.keySet()));
        }
        return declared.orElse(last);
    }

    private static String databaseName(Node node) {
        String pattern = node.string().orElse(DEFAULT_DATABASE_NAME);
        try {
            DatabaseNamer.checkPattern(pattern);
        } catch (SiloException e) {
            node.problem(e.getMessage());
        }
        return pattern;
    }

    private static JsonNode parse(String source, String yaml) {
        try {
            JsonNode tree = YAML.readTree(yaml);
            return tree == null ? YAML.missingNode() : tree;
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 0
                    ? ""
                    : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            throw Problems.invalid(List.of(source + ": " + where + "not valid YAML: " + e.getOriginalMessage()));
        }
    }

    /**
     * SHA-256 of the canonical form: the parsed document as compact JSON, keys in file order. Comments
     * and layout do not count; every value and every order (the first role is the default) does.
     */
    private static JsonNode withoutRoleMetadata(JsonNode tree) {
        if (!tree.path("roles").isObject()) {
            return tree;
        }
        JsonNode copy = tree.deepCopy();
        for (JsonNode role : copy.path("roles")) {
            if (role instanceof tools.jackson.databind.node.ObjectNode object) {
                object.remove("manages");
            }
        }
        return copy;
    }

    /**
     * The digest of a template's text, without what only Silo's request-time checks read and no
     * database holds: a role's {@code manages}. Adding it to a released template changes nothing a
     * database was built from, so it needs no new version; every other part still counts (the other
     * role fields were counted from the start, and leaving them out now would change every recorded
     * checksum).
     */
    static String checksum(JsonNode tree) {
        try {
            byte[] canonical = Json.mapper().writeValueAsBytes(withoutRoleMetadata(tree));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
