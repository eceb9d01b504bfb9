package io.silo.postgres.collection.query;

import io.silo.error.ProblemType;
import io.silo.template.FieldPath;

/**
 * A field as a query names it: either a path into the document body such as
 * {@code customer.address.city}, or one of the {@link MetaField meta fields} such as
 * {@code _id}. Top-level names starting with {@code _} are reserved for meta fields, so no
 * stored body has one.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface DocumentField permits DocumentField.Path, MetaField {

    /** The field as written in a query. */
    String text();

    /**
     * Parses a field name: a meta field, or identifiers joined by dots ({@code invalid-field}
     * otherwise); a top-level name starting with {@code _} that is no meta field is an
     * {@code unknown-field}.
     */
    static DocumentField parse(String text) {
        var meta = MetaField.of(text);
        if (meta.isPresent()) {
            return meta.get();
        }
        FieldPath path = FieldPath.parse(text);
        if (path.first().startsWith("_")) {
            throw ProblemType.UNKNOWN_FIELD
                    .exception("'" + text + "' is not a field: top-level names starting with _ "
                            + "are reserved, and the meta fields are _id, _version, _createdAt and _updatedAt")
                    .with("field", text);
        }
        return new Path(path);
    }

    /** A path into the document body. */
    record Path(FieldPath path) implements DocumentField {
        @Override
        public String text() {
            return path.toString();
        }
    }
}
