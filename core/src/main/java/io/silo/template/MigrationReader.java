package io.silo.template;

import io.silo.template.Migration.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code migrations} of a template file: versions 1..n in order, and their operations. */
final class MigrationReader {
    private static final List<String> KINDS = List.of(
            "addCollection",
            "dropCollection",
            "addIndex",
            "dropIndex",
            "addUniqueKey",
            "renameField",
            "copyField",
            "setDefault",
            "changeSchema",
            "sql");

    private MigrationReader() {}

    static List<Migration> read(Node migrations, Set<String> collections) {
        if (migrations.isMissing()
                || (migrations.json().isArray() && migrations.json().isEmpty())) {
            migrations.problem("a service needs at least migration 1 (its operations may be empty)");
        }
        List<Node> items = migrations.items();
        List<Migration> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            migration(items.get(i), i + 1, collections).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<Migration> migration(Node node, int expected, Set<String> collections) {
        if (!node.json().isObject()) {
            node.problem(node.shown() + " is not a mapping of version, description, operations");
            return Optional.empty();
        }
        node.allowOnly("version", "description", "operations");
        Node versionNode = node.get("version");
        Optional<Integer> version = versionNode.integer();
        if (version.isPresent() && version.get() != expected) {
            versionNode.problem(
                    "'" + version.get() + "' is out of order: migrations are numbered 1, 2, 3 ... without gaps,"
                            + " so this one is " + expected);
        }
        List<Operation> operations = new ArrayList<>();
        for (Node item : node.get("operations").items()) {
            operation(item, collections).ifPresent(operations::add);
        }
        // the declared number, even when wrong, so that the template's version is compared with what people wrote
        return Optional.of(new Migration(
                version.orElse(expected), node.get("description").string().orElse(""), operations));
    }

    private static Optional<Operation> operation(Node node, Set<String> collections) {
        Map<String, Node> entries = node.entries();
        if (entries.size() != 1 || !KINDS.contains(entries.keySet().iterator().next())) {
            node.problem(node.shown() + " is not an operation: write one of " + String.join(", ", KINDS)
                    + " as its only key");
            return Optional.empty();
        }
        var entry = entries.entrySet().iterator().next();
        Node body = entry.getValue();
        if (!entry.getKey().equals("sql") && !body.json().isObject()) {
            body.problem(body.shown() + " is not a mapping");
            return Optional.empty();
        }
        return switch (entry.getKey()) {
            case "addCollection" -> collectionOnly(body, collections).map(Operation.AddCollection::new);
            case "dropCollection" -> dropCollection(body, collections);
            case "addIndex" -> addIndex(body, collections);
            case "dropIndex" -> dropIndex(body, collections);
            case "addUniqueKey" -> addUniqueKey(body, collections);
            case "renameField" -> renameField(body, collections);
            case "copyField" -> copyField(body, collections);
            case "setDefault" -> setDefault(body, collections);
            case "changeSchema" -> collectionOnly(body, collections).map(Operation.ChangeSchema::new);
            default -> sql(body);
        };
    }

    private static Optional<Operation> renameField(Node body, Set<String> collections) {
        body.allowOnly("collection", "from", "to");
        Optional<String> collection = collection(body, collections);
        Optional<String> from = CollectionReader.topLevelField(body.get("from"));
        Optional<String> to = CollectionReader.topLevelField(body.get("to"));
        if (from.isPresent() && from.equals(to)) {
            body.get("to").problem("'" + to.get() + "' is the name it already has");
        }
        if (collection.isEmpty() || from.isEmpty() || to.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Operation.RenameField(collection.get(), from.get(), to.get()));
    }

    private static Optional<Operation> copyField(Node body, Set<String> collections) {
        return renameField(body, collections)
                .map(rename -> (Operation.RenameField) rename)
                .map(rename -> new Operation.CopyField(rename.collection(), rename.from(), rename.to()));
    }

    private static Optional<String> collectionOnly(Node body, Set<String> collections) {
        body.allowOnly("collection");
        return collection(body, collections);
    }

    /** A dropped collection is one the template no longer declares: declaring it still would recreate it. */
    private static Optional<Operation> dropCollection(Node body, Set<String> collections) {
        body.allowOnly("collection");
        Node node = body.get("collection");
        Optional<String> name = node.requiredString();
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (collections.contains(name.get())) {
            node.problem("'" + name.get() + "' is still declared under collections; remove it there to drop it");
            return Optional.empty();
        }
        if (!CollectionReader.NAME.matcher(name.get()).matches() || name.get().startsWith("silo_")) {
            node.problem("'" + name.get() + "' is not a collection name");
            return Optional.empty();
        }
        return name.map(Operation.DropCollection::new);
    }

    private static Optional<Operation> addIndex(Node body, Set<String> collections) {
        body.allowOnly("collection", "fields", "descending");
        Optional<String> collection = collection(body, collections);
        Optional<List<FieldPath>> fields = requiredFields(body);
        Node descending = body.get("descending");
        if (!descending.isMissing() && !descending.json().isBoolean()) {
            descending.problem(descending.shown() + " is not true or false");
        }
        if (collection.isEmpty() || fields.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Operation.AddIndex(
                collection.get(), fields.get(), descending.json().asBoolean(false)));
    }

    private static Optional<Operation> addUniqueKey(Node body, Set<String> collections) {
        body.allowOnly("collection", "fields");
        Optional<String> collection = collection(body, collections);
        Optional<List<FieldPath>> fields = requiredFields(body);
        if (collection.isEmpty() || fields.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Operation.AddUniqueKey(collection.get(), fields.get()));
    }

    private static Optional<List<FieldPath>> requiredFields(Node body) {
        Node fieldsNode = body.get("fields");
        if (fieldsNode.isMissing()) {
            fieldsNode.problem("is required");
            return Optional.empty();
        }
        List<FieldPath> fields = CollectionReader.fields(fieldsNode);
        return fields.isEmpty() ? Optional.empty() : Optional.of(fields);
    }

    private static Optional<Operation> setDefault(Node body, Set<String> collections) {
        body.allowOnly("collection", "field", "value");
        Optional<String> collection = collection(body, collections);
        Optional<String> field = CollectionReader.topLevelField(body.get("field"));
        Node value = body.get("value");
        if (value.json().isMissingNode()) {
            value.problem("is required");
        }
        if (collection.isEmpty() || field.isEmpty() || value.json().isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(new Operation.SetDefault(collection.get(), field.get(), value.json()));
    }

    private static Optional<Operation> dropIndex(Node body, Set<String> collections) {
        body.allowOnly("collection", "fields");
        Optional<String> collection = collection(body, collections);
        Node fieldsNode = body.get("fields");
        if (fieldsNode.isMissing()) {
            fieldsNode.problem("is required");
            return Optional.empty();
        }
        List<FieldPath> fields = CollectionReader.fields(fieldsNode);
        if (collection.isEmpty() || fields.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Operation.DropIndex(collection.get(), fields));
    }

    private static Optional<Operation> sql(Node body) {
        Optional<String> statement = body.requiredString();
        if (statement.isPresent() && statement.get().isBlank()) {
            body.problem("is empty");
            return Optional.empty();
        }
        return statement.map(Operation.Sql::new);
    }

    private static Optional<String> collection(Node body, Set<String> collections) {
        Node node = body.get("collection");
        Optional<String> name = node.requiredString();
        if (name.isPresent() && !collections.contains(name.get())) {
            node.problem("'" + name.get() + "' is not a collection of this service; use one of "
                    + String.join(", ", collections));
            return Optional.empty();
        }
        return name;
    }
}
