package io.silo.postgres.collection;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.collection.query.MetaField;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.template.CollectionSpec;
import io.silo.template.FieldPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.postgresql.util.PSQLException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns unique-key collisions into a 409 {@code duplicate-key} naming the fields of the key.
 * The collision is found by asking for the other document, in a transaction that is still
 * usable: inserts use {@code ON CONFLICT DO NOTHING}, and changes look for a holder of any key
 * they change before writing. This does not depend on how the unique indexes are named. Only a
 * change racing with a concurrent write still meets SQLSTATE 23505, which aborts the caller's
 * transaction; its key is then told from the changed keys or from the index name.
 *
 * <p>Stateless and thread-safe.
 */
final class UniqueKeys {
    private UniqueKeys() {}

    /** Why an insert that hit {@code ON CONFLICT DO NOTHING} did not insert. */
    static SiloException onInsert(Handle handle, CollectionSpec spec, UUID id, ObjectNode doc) {
        String table = Sql.table(spec.name());
        if (handle.queryOne("SELECT 1 FROM " + table + " WHERE id = ?", row -> 1, id)
                .isPresent()) {
            return duplicate(spec, List.of(MetaField.ID.text()));
        }
        for (List<FieldPath> key : spec.unique()) {
            if (heldByAnother(handle, spec, key, doc, Optional.empty())) {
                return duplicate(spec, names(key));
            }
        }
        return duplicate(spec, List.of());
    }

    /** Refuses a change whose new values of a unique key another document already has. */
    static void checkChange(Handle handle, CollectionSpec spec, UUID id, ObjectNode before, ObjectNode after) {
        for (List<FieldPath> key : changedKeys(spec, before, after)) {
            if (heldByAnother(handle, spec, key, after, Optional.of(id))) {
                throw duplicate(spec, names(key));
            }
        }
    }

    /** The 409 for a 23505 met by a change that raced with another write. */
    static SiloException onViolation(
            DataAccessException violation, CollectionSpec spec, ObjectNode before, ObjectNode after) {
        List<List<FieldPath>> changed = changedKeys(spec, before, after);
        if (changed.size() == 1) {
            return duplicate(spec, names(changed.getFirst()));
        }
        String index = violation.getCause() instanceof PSQLException e
                        && e.getServerErrorMessage() != null
                        && e.getServerErrorMessage().getConstraint() != null
                ? e.getServerErrorMessage().getConstraint()
                : "";
        List<List<FieldPath>> named = changed.stream()
                .filter(key -> key.stream().allMatch(path -> index.contains(String.join("_", path.segments()))))
                .toList();
        return duplicate(spec, named.size() == 1 ? names(named.getFirst()) : List.of());
    }

    private static List<List<FieldPath>> changedKeys(CollectionSpec spec, ObjectNode before, ObjectNode after) {
        List<List<FieldPath>> changed = new ArrayList<>();
        for (List<FieldPath> key : spec.unique()) {
            if (key.stream().anyMatch(path -> !Stored.valueAt(before, path).equals(Stored.valueAt(after, path)))) {
                changed.add(key);
            }
        }
        return changed;
    }

    /** A key with a missing field is NULL in its index and collides with nothing. */
    private static boolean heldByAnother(
            Handle handle, CollectionSpec spec, List<FieldPath> key, ObjectNode doc, Optional<UUID> self) {
        Sql sql = new Sql().append("SELECT 1 FROM " + Sql.table(spec.name()) + " WHERE ");
        for (FieldPath path : key) {
            Optional<JsonNode> value = Stored.valueAt(doc, path);
            if (value.isEmpty()) {
                return false;
            }
            sql.append(Sql.path(path)).append(" = ").bindJson(value.get()).append(" AND ");
        }
        self.ifPresentOrElse(id -> sql.append("id <> ").bind(id), () -> sql.append("TRUE"));
        return handle.queryOne(sql.append(" LIMIT 1").text(), row -> 1, sql.params())
                .isPresent();
    }

    private static List<String> names(List<FieldPath> key) {
        return key.stream().map(FieldPath::toString).toList();
    }

    private static SiloException duplicate(CollectionSpec spec, List<String> fields) {
        String message = fields.isEmpty()
                ? "the document collides with another in collection '" + spec.name() + "' on a unique key"
                : "another document in collection '" + spec.name() + "' already has this "
                        + String.join(" and ", fields);
        return ProblemType.DUPLICATE_KEY.exception(message).with("fields", fields);
    }
}
