package io.silo.postgres.collection;

import io.silo.json.Json;
import io.silo.postgres.collection.query.Fields;
import io.silo.postgres.collection.query.JsonInput;
import io.silo.postgres.collection.query.MetaField;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stored document as clients may see it: its body never holds the collection's private
 * fields, and, when it comes from a query with a field selection, holds only those fields.
 *
 * <p>A document read by id keeps its body as PostgreSQL printed it and is answered from that text
 * ({@link #json()}); the body is parsed only when something asks for it ({@link #body()}).
 *
 * <p>Thread-safe as long as nobody modifies {@link #body()}, which is shared, not copied; parsing it
 * twice in a race gives equal trees.
 */
public final class Document {
    private final UUID id;
    private final long version;
    private final Instant createdAt;
    private final Instant updatedAt;
    private final String storedText;
    private volatile ObjectNode body;

    /**
     * @param id the document id
     * @param version 1 when inserted, one more per change
     * @param createdAt when it was inserted
     * @param updatedAt when it last changed
     * @param body the JSON body, without meta fields
     */
    public Document(UUID id, long version, Instant createdAt, Instant updatedAt, ObjectNode body) {
        this(id, version, createdAt, updatedAt, null, Objects.requireNonNull(body, "body"));
    }

    private Document(UUID id, long version, Instant createdAt, Instant updatedAt, String storedText, ObjectNode body) {
        this.id = Objects.requireNonNull(id, "id");
        this.version = version;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.updatedAt = Objects.requireNonNull(updatedAt, "updatedAt");
        this.storedText = storedText;
        this.body = body;
    }

    /** A document whose body is {@code jsonb::text} as PostgreSQL printed it, private fields already removed. */
    static Document stored(UUID id, long version, Instant createdAt, Instant updatedAt, String storedText) {
        return new Document(id, version, createdAt, updatedAt, Objects.requireNonNull(storedText, "storedText"), null);
    }

    public UUID id() {
        return id;
    }

    public long version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    /** The JSON body, without meta fields. */
    public ObjectNode body() {
        ObjectNode parsed = body;
        if (parsed == null) {
            parsed = (ObjectNode) JsonInput.readStored(storedText);
            body = parsed;
        }
        return parsed;
    }

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
        for (Map.Entry<String, JsonNode> member : fields.project(body()).properties()) {
            json.set(member.getKey(), member.getValue());
        }
        return json;
    }

    /**
     * {@link #toJson()} as UTF-8 JSON text. A document read by id is not parsed for it: the meta
     * fields are written in front of the stored body, which PostgreSQL printed as valid JSON.
     */
    public String json() {
        if (storedText == null) {
            return Json.write(toJson());
        }
        StringBuilder out = new StringBuilder(storedText.length() + 160)
                .append("{\"")
                .append(MetaField.ID.text())
                .append("\":\"")
                .append(id)
                .append("\",\"")
                .append(MetaField.VERSION.text())
                .append("\":")
                .append(version)
                .append(",\"")
                .append(MetaField.CREATED_AT.text())
                .append("\":\"")
                .append(createdAt)
                .append("\",\"")
                .append(MetaField.UPDATED_AT.text())
                .append("\":\"")
                .append(updatedAt)
                .append('"');
        String members = storedText.substring(storedText.indexOf('{') + 1).stripLeading();
        if (!members.startsWith("}")) {
            out.append(',');
        }
        return out.append(members).toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Document that
                && id.equals(that.id)
                && version == that.version
                && createdAt.equals(that.createdAt)
                && updatedAt.equals(that.updatedAt)
                && body().equals(that.body());
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, version);
    }

    @Override
    public String toString() {
        return "Document[" + id + " v" + version + "]";
    }
}
