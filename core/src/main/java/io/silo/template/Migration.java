package io.silo.template;

import io.silo.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One versioned step of a template. A new database runs every migration's operations in one
 * transaction; an existing database is brought forward by a rollout, operation by operation,
 * each recorded with its {@linkplain Operation#checksum() checksum} in the database's ledger
 * ({@code silo_migrations}) so that none runs twice (see {@code docs/templates.md}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param version 1, 2, 3 ... without gaps
 * @param description one line for people
 * @param operations data changes beyond what the collections declare, in order
 */
public record Migration(int version, String description, List<Operation> operations) {

    public Migration {
        operations = List.copyOf(operations);
    }

    /** A digest of this migration's operations, in order: what a database at this version has run. */
    public String checksum() {
        return sha256(
                version + ":" + operations.stream().map(Operation::checksum).collect(Collectors.joining(",")));
    }

    /**
     * A data or schema change. Its {@link #checksum()} is of its canonical text ({@link #canonical()}),
     * written out by hand so that no library upgrade changes a released step's checksum.
     */
    public sealed interface Operation {
        /** The operation's key in a template, e.g. {@code renameField}. */
        String kind();

        /** Every argument, in a fixed order: what the checksum covers. */
        String canonical();

        /** SHA-256 of {@link #canonical()}, in hex: recorded in each database's ledger when the step ran. */
        default String checksum() {
            return sha256(canonical());
        }

        /** Renames a top-level field in every document of a collection, in batches. */
        record RenameField(String collection, String from, String to) implements Operation {
            public String kind() {
                return "renameField";
            }

            public String canonical() {
                return kind() + "|" + collection + "|" + from + "|" + to;
            }
        }

        /** Copies a top-level field to another where the first is present, in batches. */
        record CopyField(String collection, String from, String to) implements Operation {
            public String kind() {
                return "copyField";
            }

            public String canonical() {
                return kind() + "|" + collection + "|" + from + "|" + to;
            }
        }

        /** Sets a top-level field where it is missing, in batches. */
        record SetDefault(String collection, String field, tools.jackson.databind.JsonNode value) implements Operation {
            public String kind() {
                return "setDefault";
            }

            public String canonical() {
                return kind() + "|" + collection + "|" + field + "|" + Json.write(value);
            }
        }

        /** Creates a collection's table (its indexes follow from its declaration). */
        record AddCollection(String collection) implements Operation {
            public String kind() {
                return "addCollection";
            }

            public String canonical() {
                return kind() + "|" + collection;
            }
        }

        /** Drops a collection's table and every document in it; the template no longer declares it. */
        record DropCollection(String collection) implements Operation {
            public String kind() {
                return "dropCollection";
            }

            public String canonical() {
                return kind() + "|" + collection;
            }
        }

        /** Builds an index, concurrently when the collection is large. */
        record AddIndex(String collection, List<FieldPath> fields, boolean descending) implements Operation {
            public AddIndex {
                fields = List.copyOf(fields);
            }

            public String kind() {
                return "addIndex";
            }

            public String canonical() {
                return kind() + "|" + collection + "|" + paths(fields) + "|" + (descending ? "desc" : "asc");
            }
        }

        /** Builds a unique key after checking that no two documents share its value. */
        record AddUniqueKey(String collection, List<FieldPath> fields) implements Operation {
            public AddUniqueKey {
                fields = List.copyOf(fields);
            }

            public String kind() {
                return "addUniqueKey";
            }

            public String canonical() {
                return kind() + "|" + collection + "|" + paths(fields);
            }
        }

        /** Drops an index that the collections no longer declare. */
        record DropIndex(String collection, List<FieldPath> fields) implements Operation {
            public DropIndex {
                fields = List.copyOf(fields);
            }

            public String kind() {
                return "dropIndex";
            }

            public String canonical() {
                return kind() + "|" + collection + "|" + paths(fields);
            }
        }

        /**
         * Checks every document against the schema the collection declares now; the version that
         * changes a collection's schema says so, and a database whose documents do not fit stays behind.
         */
        record ChangeSchema(String collection) implements Operation {
            public String kind() {
                return "changeSchema";
            }

            public String canonical() {
                return kind() + "|" + collection;
            }
        }

        /** Raw SQL for what nothing else expresses; runs as the cluster administrator. */
        record Sql(String statement) implements Operation {
            public String kind() {
                return "sql";
            }

            public String canonical() {
                return kind() + "|" + statement;
            }
        }
    }

    private static String paths(List<FieldPath> fields) {
        return fields.stream().map(FieldPath::toString).collect(Collectors.joining(","));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
