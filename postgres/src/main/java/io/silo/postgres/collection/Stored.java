package io.silo.postgres.collection;

import io.silo.postgres.collection.query.JsonInput;
import io.silo.template.FieldPath;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A row of a collection table as stored, private fields included; never handed out. {@link
 * #visible} makes the {@link Document} a client may see.
 *
 * <p>Immutable as long as nobody modifies {@code doc}.
 */
record Stored(UUID id, long version, Instant createdAt, Instant updatedAt, ObjectNode doc) {
    /** The columns {@link #read} expects, in a SELECT or RETURNING list. */
    static final String COLUMNS = "id, doc::text AS doc, version, created_at, updated_at";

    /** The row as a document answered from its stored text, unparsed; the caller removed the private fields. */
    static Document text(ResultSet row) throws SQLException {
        return Document.stored(
                row.getObject("id", UUID.class),
                row.getLong("version"),
                row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getObject("updated_at", OffsetDateTime.class).toInstant(),
                row.getString("doc"));
    }

    static Stored read(ResultSet row) throws SQLException {
        return read(row, row.getString("doc"));
    }

    /** The row, its {@code doc} column already read as {@code docText}. */
    static Stored read(ResultSet row, String docText) throws SQLException {
        JsonNode doc = JsonInput.readStored(docText);
        return new Stored(
                row.getObject("id", UUID.class),
                row.getLong("version"),
                row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getObject("updated_at", OffsetDateTime.class).toInstant(),
                (ObjectNode) doc);
    }

    /** The document without the collection's private fields. */
    Document visible(Set<String> privateFields) {
        ObjectNode body = doc;
        if (privateFields.stream().anyMatch(doc::has)) {
            body = doc.deepCopy();
            body.remove(privateFields);
        }
        return new Document(id, version, createdAt, updatedAt, body);
    }

    /** The value at a path, through objects only, as {@code doc->'a'->'b'} sees it. */
    static Optional<JsonNode> valueAt(JsonNode doc, FieldPath path) {
        JsonNode node = doc;
        for (String segment : path.segments()) {
            node = node.isObject() ? node.get(segment) : null;
            if (node == null) {
                return Optional.empty();
            }
        }
        return Optional.of(node);
    }
}
