package io.silo.template;

import io.silo.error.SiloException;
import io.silo.template.CollectionSpec.IndexSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** Reads the {@code collections} of a template file. */
final class CollectionReader {
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,40}");
    /** PostgreSQL's limit on the columns of one index. */
    private static final int MAX_INDEX_FIELDS = 32;

    private CollectionReader() {}

    static Map<String, CollectionSpec> read(Node collections) {
        Map<String, CollectionSpec> out = new LinkedHashMap<>();
        for (var entry : collections.entries().entrySet()) {
            String name = entry.getKey();
            Node node = entry.getValue();
            if (!NAME.matcher(name).matches() || name.startsWith("silo_")) {
                node.problem("'" + name + "' is not a collection name: use a-z, 0-9 and _, starting with a letter,"
                        + " at most 41, and not starting with silo_ (Silo's own tables)");
            }
            out.put(name, collection(name, node));
        }
        checkIndexNames(collections, out);
        checkReferences(collections, out);
        return out;
    }

    private static CollectionSpec collection(String name, Node node) {
        if (!node.json().isObject()) {
            node.problem(node.shown()
                    + " is not a mapping of schema, indexes, unique, private, references, files, sequences");
            return new CollectionSpec(name, Optional.empty(), List.of(), List.of(), Set.of());
        }
        node.allowOnly("schema", "indexes", "unique", "private", "references", "files", "sequences");
        Node schema = node.get("schema");
        if (!schema.isMissing()) {
            SchemaCheck.check(schema);
        }
        Optional<JsonNode> declared = schema.isMissing() ? Optional.empty() : Optional.of(schema.json());
        List<IndexSpec> indexes = indexes(node.get("indexes"));
        List<List<FieldPath>> unique = uniqueKeys(node.get("unique"));
        Set<String> secret = privateFields(node.get("private"));
        checkNoPrivateUniqueKey(node.get("unique"), unique, secret);
        return new CollectionSpec(
                name,
                declared,
                indexes,
                unique,
                secret,
                references(node.get("references")),
                FileRulesReader.read(node.get("files")),
                SequenceReader.read(node.get("sequences"), declared));
    }

    private static Map<String, String> references(Node references) {
        Map<String, String> out = new LinkedHashMap<>();
        references.entries().forEach((field, target) -> {
            if (!FieldPath.isValid(field) || field.contains(".")) {
                target.problem("'" + field + "' is not a top-level field name");
            }
            target.requiredString().ifPresent(name -> out.put(field, name));
        });
        return out;
    }

    /** A reference names a collection of the template, or the organization's users. */
    private static void checkReferences(Node collections, Map<String, CollectionSpec> specs) {
        specs.values()
                .forEach(spec -> spec.references().forEach((field, target) -> {
                    if (!target.equals(CollectionSpec.USERS) && !specs.containsKey(target)) {
                        collections
                                .get(spec.name())
                                .get("references")
                                .get(field)
                                .problem("'" + target + "' is neither a collection of this service nor "
                                        + CollectionSpec.USERS);
                    }
                }));
        if (specs.containsKey(CollectionSpec.USERS)) {
            collections
                    .get(CollectionSpec.USERS)
                    .problem("'users' is reserved: a reference to users names the organization's users, who are never"
                            + " a collection");
        }
    }

    private static List<IndexSpec> indexes(Node indexes) {
        List<IndexSpec> out = new ArrayList<>();
        Set<List<FieldPath>> seen = new HashSet<>();
        for (Node item : indexes.items()) {
            IndexSpec index = item.json().isObject() ? indexMapping(item) : new IndexSpec(fields(item), false);
            if (!index.fields().isEmpty() && !seen.add(index.fields())) {
                item.problem("a second index on " + index.fields() + "; one index per list of fields");
            } else {
                out.add(index);
            }
        }
        return out;
    }

    private static IndexSpec indexMapping(Node item) {
        item.allowOnly("fields", "descending");
        Node fields = item.get("fields");
        if (fields.isMissing()) {
            fields.problem("is required");
        }
        return new IndexSpec(fields(fields), item.get("descending").bool(false));
    }

    private static List<List<FieldPath>> uniqueKeys(Node unique) {
        List<List<FieldPath>> out = new ArrayList<>();
        for (Node item : unique.items()) {
            List<FieldPath> key = fields(item);
            if (!key.isEmpty() && out.contains(key)) {
                item.problem("a second unique key on " + key);
            } else {
                out.add(key);
            }
        }
        return out;
    }

    /** A field path, or a list of them. */
    static List<FieldPath> fields(Node node) {
        List<Node> items = node.json().isArray() ? node.items() : List.of(node);
        if (node.json().isArray() && (items.isEmpty() || items.size() > MAX_INDEX_FIELDS)) {
            node.problem("needs 1 to " + MAX_INDEX_FIELDS + " field paths");
        }
        List<FieldPath> out = new ArrayList<>();
        for (Node item : items) {
            path(item).ifPresent(out::add);
        }
        return out;
    }

    static Optional<FieldPath> path(Node node) {
        Optional<String> text = node.json().isString() ? node.string() : Optional.empty();
        if (text.isEmpty()) {
            node.problem(node.shown() + " is not a field path");
            return Optional.empty();
        }
        try {
            return Optional.of(FieldPath.parse(text.get()));
        } catch (SiloException e) {
            node.problem(e.getMessage());
            return Optional.empty();
        }
    }

    /** A top-level field name. */
    static Optional<String> topLevelField(Node node) {
        Optional<FieldPath> path = path(node);
        if (path.isPresent() && path.get().segments().size() > 1) {
            node.problem(node.shown() + " is not a top-level field (no dots)");
            return Optional.empty();
        }
        return path.map(FieldPath::first);
    }

    /**
     * A unique key on a private field would answer every writer's guess of another document's value
     * with a 409 {@code duplicate-key}: an oracle on what the field hides.
     */
    private static void checkNoPrivateUniqueKey(Node node, List<List<FieldPath>> unique, Set<String> secret) {
        for (List<FieldPath> key : unique) {
            key.stream()
                    .map(FieldPath::first)
                    .filter(secret::contains)
                    .findFirst()
                    .ifPresent(field -> node.problem("a unique key on the private field '" + field
                            + "' would tell every writer, by a 409, which values other documents hold"));
        }
    }

    private static Set<String> privateFields(Node fields) {
        Set<String> out = new LinkedHashSet<>();
        for (Node item : fields.items()) {
            topLevelField(item).ifPresent(out::add);
        }
        return out;
    }

    /** Two indexes with one name would make the second {@code CREATE INDEX IF NOT EXISTS} do nothing, silently. */
    private static void checkIndexNames(Node collections, Map<String, CollectionSpec> specs) {
        Map<String, String> owners = new LinkedHashMap<>();
        for (CollectionSpec spec : specs.values()) {
            for (int i = 0; i < spec.indexes().size(); i++) {
                claim(
                        collections,
                        owners,
                        IndexNames.index(spec.name(), spec.indexes().get(i).fields()),
                        spec.name() + ".indexes[" + i + "]");
            }
            for (int i = 0; i < spec.unique().size(); i++) {
                claim(
                        collections,
                        owners,
                        IndexNames.uniqueKey(spec.name(), spec.unique().get(i)),
                        spec.name() + ".unique[" + i + "]");
            }
        }
    }

    private static void claim(Node collections, Map<String, String> owners, String indexName, String where) {
        String first = owners.putIfAbsent(indexName, where);
        if (first != null) {
            collections
                    .problems()
                    .add(
                            collections.path() + "." + where,
                            "its index name '" + indexName + "' is also the name of collections." + first
                                    + "; rename a field or a collection");
        }
    }
}
