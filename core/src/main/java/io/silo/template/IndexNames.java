package io.silo.template;

import io.silo.naming.Identifiers;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The PostgreSQL names of a collection's indexes and unique keys: the collection, the field paths
 * with dots as {@code _}, and {@code _idx} or {@code _key}, as in {@code invoices_customer_id_idx}.
 * Derived from the fields alone (not the sort order) so that a migration can drop an index by
 * naming its fields; cut and hashed beyond 63 bytes. {@link TemplateLoader} refuses a template in
 * which two of them would share a name.
 *
 * <p>Thread-safe: stateless.
 */
public final class IndexNames {
    private IndexNames() {}

    /** The name of the secondary index on {@code fields} of {@code collection}. */
    public static String index(String collection, List<FieldPath> fields) {
        return name(collection, fields, "idx");
    }

    /** The name of the unique key on {@code fields} of {@code collection}. */
    public static String uniqueKey(String collection, List<FieldPath> fields) {
        return name(collection, fields, "key");
    }

    private static String name(String collection, List<FieldPath> fields, String suffix) {
        String columns =
                fields.stream().map(path -> String.join("_", path.segments())).collect(Collectors.joining("_"));
        // field segments may hold upper case; PostgreSQL folds nothing inside quotes, but people type names unquoted
        return Identifiers.fit((collection + "_" + columns + "_" + suffix).toLowerCase(java.util.Locale.ROOT));
    }
}
