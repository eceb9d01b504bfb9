package io.silo.postgres.collection;

import io.silo.postgres.collection.query.MetaField;
import io.silo.postgres.collection.query.SortKey;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The condition "after this position" for keyset pagination over sort keys of mixed
 * directions: for keys k1…kn and cursor values c1…cn, the OR over i of (k1 = c1 AND … AND
 * k(i-1) = c(i-1) AND ki after ci). A missing body field is SQL NULL, ordered as PostgreSQL
 * orders it by default (last when ascending, first when descending), which keeps the order
 * usable by a plain expression index; "after" says the same.
 *
 * <p>Stateless and thread-safe.
 */
final class Keyset {
    private Keyset() {}

    static void render(List<SortKey> keys, List<Optional<JsonNode>> values, Sql sql) {
        sql.append("(");
        boolean first = true;
        for (int i = 0; i < keys.size(); i++) {
            if (!hasAfter(keys.get(i), values.get(i))) {
                continue;
            }
            sql.append(first ? "(" : " OR (");
            first = false;
            for (int j = 0; j < i; j++) {
                equal(keys.get(j), values.get(j), sql);
                sql.append(" AND ");
            }
            after(keys.get(i), values.get(i), sql);
            sql.append(")");
        }
        sql.append(first ? "FALSE)" : ")");
    }

    /** Nothing follows a missing value in ascending order: missing values come last. */
    private static boolean hasAfter(SortKey key, Optional<JsonNode> value) {
        return value.isPresent() || key.descending();
    }

    private static void equal(SortKey key, Optional<JsonNode> value, Sql sql) {
        if (value.isEmpty()) {
            sql.field(key.field()).append(" IS NULL");
        } else {
            sql.field(key.field()).append(" = ");
            bind(key, value.get(), sql);
        }
    }

    private static void after(SortKey key, Optional<JsonNode> value, Sql sql) {
        if (value.isEmpty()) {
            sql.field(key.field()).append(" IS NOT NULL");
        } else if (key.descending()) {
            sql.field(key.field()).append(" < ");
            bind(key, value.get(), sql);
        } else if (key.field() instanceof MetaField) {
            sql.field(key.field()).append(" > ");
            bind(key, value.get(), sql);
        } else {
            sql.append("(").field(key.field()).append(" > ");
            bind(key, value.get(), sql);
            sql.append(" OR ").field(key.field()).append(" IS NULL)");
        }
    }

    private static void bind(SortKey key, JsonNode value, Sql sql) {
        if (key.field() instanceof MetaField meta) {
            sql.bind(meta.parseValue(value).orElseThrow());
        } else {
            sql.bindJson(value);
        }
    }
}
