package io.silo.bench.backup;

import io.silo.bench.stack.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Fills a collection's table with invoices by server-side SQL, as the superuser, until an
 * organization's databases together reach a size: a gigabyte in minutes, where the HTTP API would
 * take an hour on two cores. Each row is what {@code DocumentStore.insert} writes (the collection's
 * one layout: {@code id uuid, doc jsonb, version 1, created_at, updated_at}); the documents follow
 * the billing template's invoice schema, with numbers {@code INV-00000001 …} that the template's
 * yearly counter ({@code INV-{year}-{n:5}}) never hands out, so later inserts through Silo do not
 * collide with them. No activity rows are written: the benchmark measures documents.
 *
 * <p>Not thread-safe.
 */
public final class DocumentFill {
    /** Rows per statement: a tenth of the target, about a kilobyte each, within these bounds. */
    private static final long MIN_BATCH = 1_000;

    private static final long MAX_BATCH = 50_000;

    /** One statement per batch: everything is computed by PostgreSQL, seeded by {@code setseed}. */
    private static final String INSERT = """
            INSERT INTO invoices (id, doc, version, created_at, updated_at)
            SELECT gen_random_uuid(),
                   jsonb_build_object(
                       'number', 'INV-' || lpad(n::text, 8, '0'),
                       'customer', jsonb_build_object(
                           'id', 'C' || c,
                           'name', (ARRAY['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne',
                                          'Tyrell', 'Soylent', 'Cyberdyne'])[1 + c % 10] || ' ' ||
                                   (ARRAY['GmbH', 'Ltd', 'Inc.', 'SA', 'AG', 'BV'])[1 + c % 6] || ' ' || c,
                           'email', 'billing' || c || '@customer' || (c % 97) || '.example.com',
                           'address', (1 + c % 200) || ' ' ||
                                   (ARRAY['Market Street', 'Bahnhofstrasse', 'Rue de Lyon', 'High Street',
                                          'Calle Mayor'])[1 + c % 5] || ', ' || (1000 + c * 7 % 9000) || ' ' ||
                                   (ARRAY['Springfield', 'Zurich', 'Lyon', 'Leeds', 'Madrid'])[1 + c % 5],
                           'taxId', 'VAT' || lpad((c * 7919 % 100000000)::text, 9, '0')),
                       'status', (ARRAY['draft', 'sent', 'paid', 'overdue', 'void'])[1 + n % 5],
                       'currency', (ARRAY['EUR', 'USD', 'CHF'])[1 + n % 3],
                       'items', jsonb_build_array(
                           jsonb_build_object('description', 'Consulting, ' || q || ' days', 'quantity', q,
                                              'unitPrice', p, 'taxRate', 0.2),
                           jsonb_build_object('description', 'Licence ' || (ARRAY['Basic', 'Pro', 'Enterprise'])[1 + n % 3],
                                              'quantity', 1, 'unitPrice', 99.0, 'taxRate', 0.2)),
                       'subtotal', q * p + 99,
                       'tax', round((q * p + 99) * 0.2, 2),
                       'total', round((q * p + 99) * 1.2, 2),
                       'issueDate', to_char(date '2026-01-01' + n % 365, 'YYYY-MM-DD'),
                       'dueDate', to_char(date '2026-01-31' + n % 365, 'YYYY-MM-DD'),
                       'notes', (ARRAY['Payable within 30 days.', 'Thank you for your business.',
                                       'Please quote the invoice number with your payment.',
                                       'Reverse charge: VAT to be accounted for by the recipient.',
                                       'Second reminder; a late fee applies after the due date.'])[1 + c % 5]
                               || ' Ref ' || md5(n::text)),
                   1, now(), now()
            FROM (SELECT n, (random() * 4999)::int AS c, 1 + (random() * 9)::int AS q,
                         round((10 + random() * 990)::numeric, 2) AS p
                  FROM generate_series(?::int, ?::int) AS n) AS rows
            """;

    private final PostgresServer server;
    private final String database;
    private final List<String> organizationDatabases;
    private final Consumer<String> progress;

    /**
     * @param database the database whose {@code invoices} table is filled
     * @param organizationDatabases every database of the organization, whose sizes together are the target
     */
    public DocumentFill(
            PostgresServer server, String database, List<String> organizationDatabases, Consumer<String> progress) {
        this.server = server;
        this.database = database;
        this.organizationDatabases = List.copyOf(organizationDatabases);
        this.progress = progress;
    }

    /** Inserts batches of invoices until the databases hold {@code megabytes}; then vacuums. Returns the count. */
    public long fill(long megabytes) throws SQLException {
        long target = megabytes << 20;
        long rows = 0;
        long batch = Math.clamp(target / 10_240, MIN_BATCH, MAX_BATCH);
        try (Connection connection = server.connect(database)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT setseed(0.42)");
            }
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (long size = size(); size < target; size = size()) {
                    insert.setLong(1, rows + 1);
                    insert.setLong(2, rows + batch);
                    rows += insert.executeUpdate();
                    progress.accept(String.format(
                            Locale.ROOT, "  %,d invoices, %.0f of %d MB", rows, size() / 1048576.0, megabytes));
                }
            }
            // the first reader of fresh rows would set their hint bits (writes): neither measured tool should pay it
            try (Statement statement = connection.createStatement()) {
                statement.execute("VACUUM (FREEZE, ANALYZE) invoices");
                statement.execute("CHECKPOINT");
            }
        }
        return rows;
    }

    /** The organization's databases together, {@code pg_database_size}. */
    long size() throws SQLException {
        return Databases.size(server, organizationDatabases);
    }

    /** Helpers on the server's databases. */
    public static final class Databases {
        private Databases() {}

        public static long size(PostgresServer server, List<String> databases) throws SQLException {
            long total = 0;
            try (Connection connection = server.connect("postgres");
                    PreparedStatement statement = connection.prepareStatement("SELECT pg_database_size(?)")) {
                for (String name : databases) {
                    statement.setString(1, name);
                    try (ResultSet row = statement.executeQuery()) {
                        row.next();
                        total += row.getLong(1);
                    }
                }
            }
            return total;
        }

        public static long count(PostgresServer server, String database, String table) throws SQLException {
            try (Connection connection = server.connect(database);
                    Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("SELECT count(*) FROM " + table)) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
