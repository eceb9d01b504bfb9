package io.silo.postgres.collection.query;

import io.silo.error.ProblemType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A sort order as the client asked for it, such as {@code status,-total}. The store always adds
 * {@code _id} as the last key unless the client named it, so that the order is total and a
 * cursor can resume exactly after the last document it saw.
 *
 * <p>Immutable and thread-safe.
 *
 * @param keys the keys in order; empty sorts by {@code _id}
 */
public record Sort(List<SortKey> keys) {
    /** The most keys one sort may have. */
    public static final int MAX_KEYS = 8;

    private static final Sort NONE = new Sort(List.of());

    public Sort {
        keys = List.copyOf(keys);
    }

    /** No order asked for: documents come by {@code _id}. */
    public static Sort none() {
        return NONE;
    }

    /**
     * Parses {@code field,-other,+third}: fields joined by commas, {@code -} for descending and an
     * optional {@code +} for ascending. An empty key, a repeated field, or more than
     * {@value #MAX_KEYS} keys is an {@code invalid-sort}; a malformed field is an {@code invalid-field}.
     */
    public static Sort parse(String text) {
        if (text.isBlank()) {
            return NONE;
        }
        String[] parts = text.split(",", -1);
        if (parts.length > MAX_KEYS) {
            throw ProblemType.INVALID_SORT.exception("the sort has more than " + MAX_KEYS + " keys");
        }
        List<SortKey> keys = new ArrayList<>();
        Set<DocumentField> seen = new HashSet<>();
        for (String part : parts) {
            SortKey key = key(part.strip(), text);
            if (!seen.add(key.field())) {
                throw ProblemType.INVALID_SORT
                        .exception("the sort names '" + key.field().text() + "' twice")
                        .with("field", key.field().text());
            }
            keys.add(key);
        }
        return new Sort(keys);
    }

    /** The keys the store orders by: these, then {@code _id} unless already among them. */
    public List<SortKey> withTiebreak() {
        if (keys.stream().anyMatch(key -> key.field() == MetaField.ID)) {
            return keys;
        }
        List<SortKey> all = new ArrayList<>(keys);
        all.add(new SortKey(MetaField.ID, false));
        return List.copyOf(all);
    }

    /** The sort as it would be written in a parameter. */
    @Override
    public String toString() {
        return keys.stream().map(SortKey::toString).collect(Collectors.joining(","));
    }

    private static SortKey key(String part, String whole) {
        if (part.isEmpty() || part.equals("-") || part.equals("+")) {
            throw ProblemType.INVALID_SORT.exception("the sort '" + shorten(whole) + "' has an empty key; "
                    + "write fields joined by commas, like status,-total");
        }
        boolean descending = part.startsWith("-");
        String name = descending || part.startsWith("+") ? part.substring(1) : part;
        return new SortKey(DocumentField.parse(name), descending);
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
