package io.silo.postgres.collection;

import io.silo.postgres.collection.query.Fields;
import io.silo.postgres.collection.query.MetaField;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stored document as clients may see it: its body never holds the collection's private
 * fields, and, when it comes from a query with a field selection, holds only those fields.
 *
 * <p>Immutable and thread-safe as long as nobody modifies {@code body}, which is shared, not
 * copied.
 *
 * @param id the document id
 * @param version 1 when inserted, one more per change
 * @param createdAt when it was inserted
 * @param updatedAt when it last changed
 * @param body the JSON body, without meta fields
 */
public record Document(UUID id, long version, Instant createdAt, Instant updatedAt, ObjectNode body) {

    /** The document as the API returns it: {@code _id}, {@code _version}, {@code _createdAt}, {@code _updatedAt}, then the body. */
    public ObjectNode toJson() {
        return toJson(Fields.all());
    }

    /** The document as the API returns it, with only the selected body fields; the meta fields are always there. */
    public ObjectNode toJson(Fields fields) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put(MetaField.ID.text(), id.toString());
        json.put(MetaField.VERSION.text(), version);
        json.put(MetaField.CREATED_AT.text(), createdAt.toString());
        json.put(MetaField.UPDATED_AT.text(), updatedAt.toString());
        for (Map.Entry<String, JsonNode> member : fields.project(body).properties()) {
            json.set(member.getKey(), member.getValue());
        }
        return json;
    }

    @Override
    public String toString() {
        return "Document[" + id + " v" + version + "]";
    }
}
