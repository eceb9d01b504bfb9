package io.silo.http.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.imports.ImportMapping;
import io.silo.app.imports.ImportReport;
import io.silo.testing.SiloTest;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * How fast {@code silo import} writes, next to a plain {@code COPY} of the same documents into one
 * table of the same database, in one run: the figures for {@code docs/import.md}. It prints them and
 * asserts only that everything arrived (tests never assert on time).
 */
@SiloTest
class MongoImportThroughputTest {
    private static final int PRODUCTS = 20_000;

    @Test
    void importThroughputNextToAPlainCopyOfTheSameDocuments(TestSilo silo) throws IOException, SQLException {
        Path dump = Files.createTempDirectory("throughput");
        ObjectId tenant = new ObjectId();
        String database = "tenant_" + tenant.toHexString();
        MongoDumps.dump(
                dump,
                database,
                "users",
                false,
                List.of(new BsonDocument("_id", new BsonObjectId())
                        .append("email", new BsonString("owner@throughput.test"))
                        .append("name", new BsonString("Owner"))
                        .append("password", new BsonString("throughput-owner"))
                        .append("role", new BsonString("org_admin"))),
                new byte[0],
                new BsonArray());
        List<BsonDocument> products = new ArrayList<>(PRODUCTS);
        long bsonBytes = 0;
        for (int i = 0; i < PRODUCTS; i++) {
            BsonDocument product = new BsonDocument("_id", new BsonObjectId())
                    .append("name", new BsonString("Product number " + i))
                    .append("sku", new BsonString("SKU-" + i))
                    .append("barcode", new BsonString(String.format("%013d", i)))
                    .append("category", new BsonString("category-" + (i % 40)))
                    .append("price", new BsonDecimal128(Decimal128.parse((i % 500) + ".99")))
                    .append("cost", new BsonDecimal128(Decimal128.parse((i % 300) + ".10")))
                    .append("stock", new BsonInt32(i % 100))
                    .append("active", BsonBoolean.TRUE)
                    .append("createdAt", new BsonDateTime(1_700_000_000_000L + i * 1000L));
            bsonBytes += MongoDumps.bson(product).length;
            products.add(product);
        }
        MongoDumps.dump(dump, database, "products", true, products, new byte[0], new BsonArray());
        long gzipBytes = Files.size(dump.resolve(database).resolve("products.bson.gz"));

        long started = System.nanoTime();
        ImportReport first = MongoImportTest.run(silo, dump, ImportMapping.defaults(ImportMapping.Layout.PER_TENANT));
        double importSeconds = (System.nanoTime() - started) / 1e9;
        ImportReport.Tenant report = first.tenants().get(tenant.toHexString());
        assertThat(report.collections().get("pos.products").imported()).isEqualTo(PRODUCTS);

        started = System.nanoTime();
        ImportReport second = MongoImportTest.run(silo, dump, ImportMapping.defaults(ImportMapping.Layout.PER_TENANT));
        double rerunSeconds = (System.nanoTime() - started) / 1e9;
        assertThat(second.written()).isZero();

        String tenantDatabase = silo.control()
                .query(
                        "SELECT database_name FROM tenant_databases WHERE tenant_id = ? AND service = 'pos'",
                        row -> row.getString(1),
                        report.id().orElseThrow())
                .getFirst();
        StringBuilder csv = new StringBuilder();
        long jsonBytes = 0;
        for (String line : TestPostgres.primary()
                .jdbc(tenantDatabase)
                .query(
                        "SELECT id::text || ',\"' || replace(doc::text, '\"', '\"\"') || '\"' FROM products",
                        row -> row.getString(1))) {
            csv.append(line).append('\n');
            jsonBytes += line.length();
        }
        double copySeconds;
        try (Connection connection = TestPostgres.primary().connect(tenantDatabase)) {
            connection.createStatement().execute("CREATE TABLE copy_bench (id uuid PRIMARY KEY, doc jsonb NOT NULL)");
            started = System.nanoTime();
            long copied = connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY copy_bench (id, doc) FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
            copySeconds = (System.nanoTime() - started) / 1e9;
            assertThat(copied).isEqualTo(PRODUCTS);
        }

        double megabytes = bsonBytes / 1e6;
        System.out.printf(
                "import throughput: %d documents, %.1f MB of BSON (%.1f MB gzipped, %.1f MB as JSON)%n",
                PRODUCTS, megabytes, gzipBytes / 1e6, jsonBytes / 1e6);
        System.out.printf(
                "  silo import, first run: %.2f s = %.0f documents/s, %.2f MB/s of BSON%n",
                importSeconds, PRODUCTS / importSeconds, megabytes / importSeconds);
        System.out.printf(
                "  silo import, second run (nothing to write): %.2f s = %.0f documents/s%n",
                rerunSeconds, PRODUCTS / rerunSeconds);
        System.out.printf(
                "  COPY of the same documents into one table: %.2f s = %.0f documents/s, %.2f MB/s of JSON%n",
                copySeconds, PRODUCTS / copySeconds, jsonBytes / 1e6 / copySeconds);
    }
}
