package io.silo.postgres.collection;

import io.silo.error.ProblemType;
import io.silo.json.Json;
import io.silo.postgres.collection.query.DocumentField;
import io.silo.postgres.collection.query.MetaField;
import io.silo.template.FieldPath;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A statement being written: SQL text and the values bound to its {@code ?} markers. Values only
 * ever enter through {@link #bind}; identifiers only through {@link #table} and {@link #field},
 * which accept nothing but validated identifiers. A field path renders as
 * {@code doc->'a'->'b'}, exactly the form of the collections' expression indexes, so that the
 * planner can match them.
 *
 * <p>Not thread-safe: one per statement.
 */
final class Sql {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** Compiled once: {@code String.matches} compiled it again for every statement (2 % of a routed read, JFR). */
    private final StringBuilder text = new StringBuilder();

    private final List<Object> params = new ArrayList<>();

    Sql append(String fragment) {
        text.append(fragment);
        return this;
    }

    /** A bound value: {@code ?}. */
    Sql bind(Object value) {
        text.append('?');
        params.add(value instanceof Instant instant ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : value);
        return this;
    }

    /** A bound JSON value: {@code ?::jsonb}. */
    Sql bindJson(JsonNode value) {
        text.append("?::jsonb");
        params.add(Json.write(value));
        return this;
    }

    /** The SQL expression of a field: a column for a meta field, a {@code doc->…} path otherwise. */
    Sql field(DocumentField field) {
        return append(expression(field));
    }

    String text() {
        return text.toString();
    }

    Object[] params() {
        return params.toArray();
    }

    static String expression(DocumentField field) {
        return switch (field) {
            case MetaField meta -> column(meta);
            case DocumentField.Path path -> path(path.path());
        };
    }

    static String column(MetaField meta) {
        return switch (meta) {
            case ID -> "id";
            case VERSION -> "version";
            case CREATED_AT -> "created_at";
            case UPDATED_AT -> "updated_at";
        };
    }

    /**
     * {@code doc->'a'->'b'}. The segments are checked again here rather than trusted: a
     * {@link FieldPath} built with its constructor instead of {@code parse} is not validated,
     * and this is the line between input and SQL text.
     */
    static String path(FieldPath path) {
        StringBuilder out = new StringBuilder("doc");
        for (String segment : path.segments()) {
            if (!IDENTIFIER.matcher(segment).matches()) {
                throw ProblemType.INVALID_FIELD
                        .exception("'" + path + "' is not a field path")
                        .with("field", path.toString());
            }
            out.append("->'").append(segment).append('\'');
        }
        return out.toString();
    }

    /** {@code [a-z_][a-z0-9_]{0,62}}, checked by hand: every statement on a collection names its table. */
    private static boolean lowerCaseIdentifier(String name) {
        if (name.isEmpty() || name.length() > 63) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** The quoted table of a collection; its name must be a lower-case identifier. */
    static String table(String collection) {
        if (!lowerCaseIdentifier(collection)) {
            throw ProblemType.INTERNAL_ERROR.exception(
                    "collection name '" + collection + "' is not a lower-case identifier");
        }
        return '"' + collection + '"';
    }
}
