package io.silo.postgres.collection.query;

/**
 * One key of a sort order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param field the field sorted on
 * @param descending whether larger values come first
 */
public record SortKey(DocumentField field, boolean descending) {

    /** The key as written in a sort parameter: {@code price} or {@code -price}. */
    @Override
    public String toString() {
        return (descending ? "-" : "") + field.text();
    }
}
