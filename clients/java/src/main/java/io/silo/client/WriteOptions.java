package io.silo.client;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * How a write is sent: an {@code Idempotency-Key}, so that sending it again after a timeout does it
 * once; the version it was based on ({@code If-Match}: else 409 {@code version-conflict}); a condition
 * on the document's content ({@code ?if=}: else 409 {@code condition-failed}).
 *
 * <p>Immutable: each method answers new options.
 */
public final class WriteOptions {
    private static final WriteOptions NONE = new WriteOptions(Optional.empty(), OptionalLong.empty(), Optional.empty());

    private final Optional<String> idempotencyKey;
    private final OptionalLong ifVersion;
    private final Optional<Filter> condition;

    private WriteOptions(Optional<String> idempotencyKey, OptionalLong ifVersion, Optional<Filter> condition) {
        this.idempotencyKey = idempotencyKey;
        this.ifVersion = ifVersion;
        this.condition = condition;
    }

    /** A plain write. */
    public static WriteOptions none() {
        return NONE;
    }

    /** A fresh random idempotency key: keep it with the request, and send it again with any retry. */
    public static String newIdempotencyKey() {
        return UUID.randomUUID().toString();
    }

    /** The write is done once for this key (1 to 255 printable ASCII characters). */
    public WriteOptions idempotencyKey(String key) {
        return new WriteOptions(Optional.of(Objects.requireNonNull(key, "key")), ifVersion, condition);
    }

    /** The write happens only while the document is at this version. */
    public WriteOptions ifVersion(long version) {
        return new WriteOptions(idempotencyKey, OptionalLong.of(version), condition);
    }

    /** The write happens only while the document matches the filter. */
    public WriteOptions condition(Filter filter) {
        return new WriteOptions(idempotencyKey, ifVersion, Optional.of(Objects.requireNonNull(filter, "filter")));
    }

    Transport.Call apply(Transport.Call call) {
        return call.header("Idempotency-Key", idempotencyKey)
                .header(
                        "If-Match",
                        ifVersion.isPresent() ? Optional.of("\"" + ifVersion.getAsLong() + "\"") : Optional.empty())
                .query("if", condition.map(Filter::toString));
    }
}
