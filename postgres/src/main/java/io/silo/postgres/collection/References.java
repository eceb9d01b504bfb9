package io.silo.postgres.collection;

import io.silo.error.ProblemType;
import io.silo.postgres.collection.query.MetaField;
import io.silo.postgres.jdbc.Handle;
import io.silo.template.CollectionSpec;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a template's references on the document a write leaves: every id a reference field
 * gained must name a document of the target collection, read in the write's own transaction and
 * share-locked there, so that it cannot be deleted before the write commits; or a user of the
 * organization ({@link KnownUsers}). Ids the document held before are not checked again: a class
 * whose teacher left can still be edited. A value that is not a string is the schema's business.
 *
 * <p>Stateless and thread-safe.
 */
final class References {
    private References() {}

    static void check(
            Handle handle, CollectionSpec spec, Optional<ObjectNode> before, ObjectNode after, KnownUsers users) {
        for (Map.Entry<String, String> reference : spec.references().entrySet()) {
            String field = reference.getKey();
            Set<String> added = ids(after.get(field));
            before.ifPresent(doc -> added.removeAll(ids(doc.get(field))));
            if (added.isEmpty()) {
                continue;
            }
            Set<String> missing = missing(handle, reference.getValue(), added, users);
            if (!missing.isEmpty()) {
                throw ProblemType.REFERENCE_NOT_FOUND
                        .exception("'" + field + "' of collection '" + spec.name() + "' names "
                                + (reference.getValue().equals(CollectionSpec.USERS)
                                        ? "no user of the organization"
                                        : "no document of collection '" + reference.getValue() + "'")
                                + ": " + String.join(", ", new TreeSet<>(missing)))
                        .with("field", field)
                        .with("missing", List.copyOf(new TreeSet<>(missing)));
            }
        }
    }

    /**
     * The ids among {@code ids} that name no document of {@code target}, or no user for
     * {@link CollectionSpec#USERS}; one that is no UUID names nothing, and is never looked up.
     */
    private static Set<String> missing(Handle handle, String target, Set<String> ids, KnownUsers users) {
        Map<UUID, String> wanted = new LinkedHashMap<>();
        Set<String> missing = new LinkedHashSet<>();
        for (String id : ids) {
            MetaField.parseUuid(id).ifPresentOrElse(uuid -> wanted.put(uuid, id), () -> missing.add(id));
        }
        if (!wanted.isEmpty()) {
            Set<UUID> found = target.equals(CollectionSpec.USERS)
                    ? users.existing(wanted.keySet())
                    : Set.copyOf(handle.query(
                            "SELECT id FROM " + Sql.table(target) + " WHERE id = ANY(?) FOR KEY SHARE",
                            row -> row.getObject("id", UUID.class),
                            (Object) wanted.keySet().toArray(UUID[]::new)));
            wanted.forEach((uuid, id) -> {
                if (!found.contains(uuid)) {
                    missing.add(id);
                }
            });
        }
        return missing;
    }

    /** The strings of a field: its value, or the strings of its array. */
    private static Set<String> ids(JsonNode value) {
        Set<String> out = new LinkedHashSet<>();
        if (value == null) {
            return out;
        }
        if (value.isString()) {
            out.add(value.stringValue());
        } else if (value.isArray()) {
            value.valueStream().filter(JsonNode::isString).forEach(item -> out.add(item.stringValue()));
        }
        return out;
    }
}
