package io.silo.postgres.jdbc;

import io.silo.error.ProblemType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The opaque cursors of keyset listings (organizations, users, activity, the audit log): the
 * position after the last row of a page, as base64url of its key values joined by {@code |}. A
 * cursor carries no secret and needs none: its values are bound as parameters, so a forged one can
 * only fail with {@code invalid-cursor} or start a page elsewhere among the rows the caller may list.
 * (Pages of documents sort by any field and have a richer cursor of their own.)
 *
 * <p>Stateless and thread-safe.
 */
public final class Cursors {
    private Cursors() {}

    /** The position after a row ordered by {@code (created_at, id)}. */
    public record Created(Instant createdAt, UUID id) {
        public String encode() {
            return Cursors.encode(createdAt, id);
        }

        public static Created decode(String cursor) {
            return Cursors.decode(cursor, 2, parts -> new Created(Instant.parse(parts[0]), UUID.fromString(parts[1])));
        }
    }

    /** A cursor of {@code values}, in order. */
    public static String encode(Object... values) {
        String text = Arrays.stream(values).map(String::valueOf).collect(Collectors.joining("|"));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The values of a cursor made by {@link #encode} with {@code count} values, read by {@code reader};
     * anything else, or a reader that fails, is a 400 {@code invalid-cursor}.
     */
    public static <T> T decode(String cursor, int count, Function<String[], T> reader) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != count) {
                throw new IllegalArgumentException("expected " + count + " values");
            }
            return reader.apply(parts);
        } catch (RuntimeException e) {
            throw ProblemType.INVALID_CURSOR
                    .exception("cursor is not one this listing returned")
                    .with("field", "cursor");
        }
    }
}
