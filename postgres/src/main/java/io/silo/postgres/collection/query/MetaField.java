package io.silo.postgres.collection.query;

import io.silo.crypto.Ids;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The fields every document has besides its body, kept in columns of their own: they are
 * always returned, can be filtered and sorted on, and are never part of the stored JSON.
 *
 * <p>Thread-safe (an enum).
 */
public enum MetaField implements DocumentField {
    /** The document id, a UUID. */
    ID("_id"),
    /** The version: 1 on insert, one more per change. */
    VERSION("_version"),
    /** When the document was inserted, ISO-8601 in UTC. */
    CREATED_AT("_createdAt"),
    /** When the document last changed, ISO-8601 in UTC. */
    UPDATED_AT("_updatedAt");

    private final String text;

    MetaField(String text) {
        this.text = text;
    }

    @Override
    public String text() {
        return text;
    }

    /** The meta field written {@code text}, such as {@code _id}. */
    public static Optional<MetaField> of(String text) {
        for (MetaField field : values()) {
            if (field.text.equals(text)) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }

    /**
     * The typed value of {@code json} for this field: a {@link UUID} for {@code _id}, a
     * {@link Long} for {@code _version}, an {@link Instant} for the timestamps; empty when the
     * JSON is not of that form.
     */
    public Optional<Object> parseValue(JsonNode json) {
        return switch (this) {
            case ID -> json.isString() ? parseUuid(json.stringValue()).map(Object.class::cast) : Optional.empty();
            case VERSION ->
                json.isIntegralNumber() && json.canConvertToLong() ? Optional.of(json.longValue()) : Optional.empty();
            case CREATED_AT, UPDATED_AT -> json.isString() ? parseInstant(json.stringValue()) : Optional.empty();
        };
    }

    /** What {@link #parseValue} expects, for error messages. */
    public String expected() {
        return switch (this) {
            case ID -> "a UUID string";
            case VERSION -> "a whole number";
            case CREATED_AT, UPDATED_AT -> "an ISO-8601 timestamp string such as 2024-05-01T12:00:00Z";
        };
    }

    /**
     * Parses a UUID in its canonical 8-4-4-4-12 form only: {@link UUID#fromString} also accepts
     * forms like {@code 1-1-1-1-1}, which would give one document two spellings of its id.
     */
    public static Optional<UUID> parseUuid(String text) {
        return Ids.parseCanonical(text);
    }

    private static Optional<Object> parseInstant(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
