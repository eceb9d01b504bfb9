package io.silo.postgres.collection;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.collection.query.DocumentField;
import io.silo.template.CollectionSpec;
import io.silo.template.FieldPath;
import java.util.Optional;
import java.util.Set;

/**
 * Which fields a query may read: never a private field, nor one hidden from the caller's role
 * (filtering or sorting on one would leak its value a comparison at a time), and, when the collection's schema closes its properties
 * with {@code additionalProperties: false}, only declared ones, so that a typo is an error rather
 * than an empty result.
 *
 * <p>Stateless and thread-safe.
 */
final class FieldRules {
    private FieldRules() {}

    static void checkReadable(
            CollectionSpec spec, Optional<Set<String>> closedProperties, DocumentField field, String role) {
        if (field instanceof DocumentField.Path path) {
            checkReadable(spec, closedProperties, path.path(), role);
        }
    }

    static void checkReadable(
            CollectionSpec spec, Optional<Set<String>> closedProperties, FieldPath path, String role) {
        String first = path.first();
        if (spec.privateFields().contains(first)) {
            throw unknown(
                    path,
                    "'" + first + "' of collection '" + spec.name()
                            + "' is not visible to you (private, or hidden from your role) and cannot be used in "
                            + role);
        }
        if (closedProperties.isPresent() && !closedProperties.get().contains(first)) {
            throw unknown(
                    path,
                    "collection '" + spec.name() + "' has no field '" + first + "' (in " + role
                            + "); its schema allows only "
                            + String.join(
                                    ", ",
                                    closedProperties.get().stream().sorted().toList()));
        }
    }

    private static SiloException unknown(FieldPath path, String message) {
        return ProblemType.UNKNOWN_FIELD.exception(message).with("field", path.toString());
    }
}
