package io.silo.http.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.password4j.BcryptFunction;
import com.password4j.Password;
import com.password4j.types.Bcrypt;
import io.silo.app.imports.ImportMapping;
import io.silo.app.imports.ImportReport;
import io.silo.app.imports.MongoImport;
import io.silo.app.imports.StableIds;
import io.silo.audit.AuditEntry;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import tools.jackson.databind.JsonNode;

/**
 * {@code silo import} end to end, with dumps written by MongoDB's own BSON library in each layout the
 * seeds' systems used: every good document lands in its organization's collection with its references
 * intact, users sign in over HTTP with the passwords they had (bcrypt or plain text), the report
 * lists what was bad, and a second run changes nothing.
 */
@SiloTest
class MongoImportTest {
    private static final AuditEntry.Actor ACTOR =
            new AuditEntry.Actor("operator", "test", "silo-cli", "", "silo-cli", "");
    private static final Instant SOLD = Instant.parse("2025-03-04T10:15:30.250Z");
    /** A yearly receipt counter counts in the year a sale is recorded, now. */
    private static final int YEAR = java.time.Year.now(java.time.ZoneOffset.UTC).getValue();

    @Test
    void aDatabasePerTenantDumpLandsWithItsReferencesAndUsersSignInWithTheirOldPasswords(TestSilo silo)
            throws IOException {
        Path dump = Files.createTempDirectory("liquor-pos");
        ObjectId valley = new ObjectId();
        ObjectId corner = new ObjectId();
        ObjectId owner = new ObjectId();
        ObjectId cashier = new ObjectId();
        ObjectId whisky = new ObjectId();
        ObjectId gin = new ObjectId();
        ObjectId sale = new ObjectId();
        ObjectId movement = new ObjectId();
        MongoDumps.dump(
                dump,
                "NewLiqourPOS",
                "organizations",
                false,
                List.of(
                        doc("_id", new BsonObjectId(valley)).append("name", str("Valley Liquors")),
                        doc("_id", new BsonObjectId(corner)).append("name", str("Corner Bottles"))),
                new byte[0],
                new BsonArray());
        String valleyDb = "tenant_" + valley.toHexString();
        MongoDumps.dump(
                dump,
                valleyDb,
                "users",
                true,
                List.of(
                        doc("_id", new BsonObjectId(owner))
                                .append("email", str("Owner@Valley.test"))
                                .append("name", str("Olga Owner"))
                                .append("password", str(bcrypt("valley-owner-pass", Bcrypt.A)))
                                .append("role", str("org_admin"))
                                .append("isActive", BsonBoolean.TRUE),
                        doc("_id", new BsonObjectId(cashier))
                                .append("email", str("cash@valley.test"))
                                .append("name", str("Carl Cashier"))
                                .append("password", str("cash1234"))
                                .append("role", str("cashier")),
                        doc("_id", new BsonObjectId()).append("name", str("No Login"))),
                new byte[0],
                new BsonArray());
        MongoDumps.dump(
                dump,
                valleyDb,
                "products",
                true,
                List.of(
                        product(whisky, "Glen Test 12", "GT-12", "41.90"),
                        product(gin, "Juniper Dry", "JD-70", "24.50"),
                        doc("_id", new BsonObjectId()).append("name", str("No SKU or price"))),
                new byte[0],
                new BsonArray(List.of(
                        doc("key", doc("_id", new BsonInt32(1))).append("name", str("_id_")),
                        doc("key", doc("sku", new BsonInt32(1)))
                                .append("name", str("sku_1"))
                                .append("unique", BsonBoolean.TRUE),
                        doc("key", doc("name", new BsonInt32(1))).append("name", str("name_1")))));
        MongoDumps.dump(
                dump,
                valleyDb,
                "sales",
                true,
                List.of(doc("_id", new BsonObjectId(sale))
                        .append(
                                "items",
                                new BsonArray(List.of(doc("productId", new BsonObjectId(whisky))
                                        .append("quantity", new BsonInt32(2))
                                        .append("unitPrice", decimal("41.90")))))
                        .append("total", decimal("83.80"))
                        .append("paymentMethod", str("cash"))
                        .append("cashierId", new BsonObjectId(cashier))
                        .append("receiptNumber", str("R" + YEAR + "-000007"))
                        .append("soldAt", new BsonDateTime(SOLD.toEpochMilli()))
                        .append("__v", new BsonInt32(0))),
                new byte[0],
                new BsonArray());
        MongoDumps.dump(
                dump,
                valleyDb,
                "inventorytransactions",
                false,
                List.of(doc("_id", new BsonObjectId(movement))
                        .append("productId", new BsonObjectId(whisky))
                        .append("type", str("sale"))
                        .append("quantity", new BsonInt32(-2))
                        .append("saleId", str(sale.toHexString()))
                        .append("userId", new BsonObjectId(cashier))
                        .append("at", new BsonDateTime(SOLD.toEpochMilli()))),
                new byte[0],
                new BsonArray());
        String cornerDb = "tenant_" + corner.toHexString();
        MongoDumps.dump(
                dump,
                cornerDb,
                "users",
                false,
                List.of(doc("_id", new BsonObjectId())
                        .append("email", str("boss@corner.test"))
                        .append("name", str("Boss"))
                        .append("password", str("corner-boss-password"))
                        .append("role", str("org_admin"))),
                new byte[0],
                new BsonArray());
        // one good product, then bytes that are no document: the rest of the file is lost, not the good one
        MongoDumps.dump(
                dump,
                cornerDb,
                "products",
                false,
                List.of(product(new ObjectId(), "Corner Lager", "CL-1", "2.10")),
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 1, 2, 3},
                new BsonArray());

        ImportReport first = run(silo, dump, ImportMapping.defaults(ImportMapping.Layout.PER_TENANT));

        ImportReport.Tenant valleyReport = first.tenants().get(valley.toHexString());
        assertThat(valleyReport.status()).as(first.json().toString()).isEqualTo("created");
        assertThat(valleyReport.slug()).contains("valley-liquors");
        assertThat(valleyReport.collections().get("pos.products").imported()).isEqualTo(2);
        assertThat(valleyReport.collections().get("pos.products").rejected()).isEqualTo(1);
        assertThat(valleyReport.collections().get("pos.sales").imported()).isEqualTo(1);
        assertThat(valleyReport.collections().get("pos.inventory_transactions").imported())
                .isEqualTo(1);
        assertThat(valleyReport.rejections())
                .anySatisfy(rejection -> assertThat(rejection.reason()).startsWith("schema-violation"))
                .anySatisfy(rejection -> assertThat(rejection.reason()).contains("email or a username"));
        assertThat(valleyReport.notes())
                .anySatisfy(note -> assertThat(note).contains("cash@valley.test", "plain-text", "shorter"));
        assertThat(first.notes()).anySatisfy(note -> assertThat(note).contains("pos.products", "[name]"));
        assertThat(first.unassigned())
                .singleElement()
                .satisfies(loose -> assertThat(loose.collection()).isEqualTo(cornerDb + ".products"));
        assertThat(first.tenants()
                        .get(corner.toHexString())
                        .collections()
                        .get("pos.products")
                        .imported())
                .isEqualTo(1);
        assertThat(first.complete()).isFalse();

        String source = dump.getFileName().toString();
        SiloClient ownerClient = member(silo, "valley-liquors", "owner@valley.test", "valley-owner-pass");
        JsonNode stored = ownerClient
                .get("/api/data/pos/sales/" + StableIds.of(source, sale.toHexString()))
                .json();
        assertThat(stored.path("items").get(0).path("productId").asString())
                .isEqualTo(StableIds.of(source, whisky.toHexString()).toString());
        assertThat(stored.path("soldAt").asString()).isEqualTo("2025-03-04T10:15:30.250Z");
        assertThat(stored.path("total").decimalValue()).isEqualByComparingTo("83.80");
        assertThat(stored.has("__v")).isFalse();
        JsonNode movementDoc = ownerClient
                .get("/api/data/pos/inventory_transactions/" + StableIds.of(source, movement.toHexString()))
                .json();
        assertThat(movementDoc.path("saleId").asString())
                .isEqualTo(stored.path("_id").asString());
        assertThat(movementDoc.path("productId").asString())
                .isEqualTo(StableIds.of(source, whisky.toHexString()).toString());
        String cashierId = StableIds.of(source, cashier.toHexString()).toString();
        assertThat(stored.path("cashierId").asString()).isEqualTo(cashierId);
        assertThat(movementDoc.path("userId").asString()).isEqualTo(cashierId);
        assertThat(ownerClient
                        .get("/api/data/pos/products/_count")
                        .json()
                        .path("count")
                        .asInt())
                .isEqualTo(2);
        // the imported bcrypt hash became argon2id at the first sign-in
        assertThat(passwordHash(silo, "valley-liquors", "owner@valley.test")).startsWith("$argon2id$");
        SiloClient cashierClient = member(silo, "valley-liquors", "cash@valley.test", "cash1234");
        assertThat(cashierClient.get("/api/data/pos/sales").json().path("items"))
                .hasSize(1);
        member(silo, "corner-bottles", "boss@corner.test", "corner-boss-password");
        // a sale sent without a number now continues after the imported one
        JsonNode next = ownerClient
                .post(
                        "/api/data/pos/sales",
                        Map.of(
                                "items",
                                List.of(Map.of(
                                        "productId",
                                        StableIds.of(source, gin.toHexString()).toString(),
                                        "quantity",
                                        1,
                                        "unitPrice",
                                        24.5)),
                                "total",
                                24.5,
                                "paymentMethod",
                                "card",
                                "soldAt",
                                "2025-03-05T09:00:00Z"))
                .json();
        assertThat(next.path("receiptNumber").asString()).isEqualTo("R" + YEAR + "-000008");

        ImportReport second = run(silo, dump, ImportMapping.defaults(ImportMapping.Layout.PER_TENANT));
        assertThat(second.tenants().get(valley.toHexString()).status()).isEqualTo("found");
        assertThat(second.written()).isZero();
        assertThat(second.tenants()
                        .get(valley.toHexString())
                        .collections()
                        .get("pos.sales")
                        .unchanged())
                .isEqualTo(1);
        assertThat(second.tenants()
                        .get(valley.toHexString())
                        .collections()
                        .get("core.users")
                        .imported())
                .isZero();
        assertThat(ownerClient
                        .get("/api/data/pos/products/_count")
                        .json()
                        .path("count")
                        .asInt())
                .isEqualTo(2);
        assertThat(ownerClient
                        .get("/api/data/pos/sales/_count")
                        .json()
                        .path("count")
                        .asInt())
                .isEqualTo(2);
        assertThat(silo.control()
                        .query(
                                "SELECT count(*) FROM tenants WHERE slug IN ('valley-liquors', 'corner-bottles')",
                                row -> row.getLong(1))
                        .getFirst())
                .isEqualTo(2);
    }

    static ImportReport run(TestSilo silo, Path dump, ImportMapping mapping) {
        Path reports = dump.resolveSibling(dump.getFileName() + "-report");
        ImportReport report = silo.silo()
                .application()
                .imports()
                .run(new MongoImport.Request(dump, mapping, Optional.of(reports), ACTOR), MongoImport.Progress.NONE);
        assertThat(reports.resolve("import-report.json")).exists();
        return report;
    }

    static SiloClient member(TestSilo silo, String organization, String email, String password) {
        SiloClient.Response response = silo.client()
                .post("/api/auth/login", Map.of("organization", organization, "email", email, "password", password));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return silo.client().as(response.json().path("accessToken").asString());
    }

    static String passwordHash(TestSilo silo, String organization, String email) {
        String core = silo.control()
                .query(
                        "SELECT d.database_name FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id"
                                + " WHERE t.slug = ? AND d.service = 'core'",
                        row -> row.getString(1),
                        organization)
                .getFirst();
        return TestPostgres.primary()
                .jdbc(core)
                .query("SELECT password_hash FROM users WHERE email = ?", row -> row.getString(1), email)
                .getFirst();
    }

    static String bcrypt(String password, Bcrypt prefix) {
        return Password.hash(password)
                .with(BcryptFunction.getInstance(prefix, 6))
                .getResult();
    }

    static BsonDocument product(ObjectId id, String name, String sku, String price) {
        return doc("_id", new BsonObjectId(id))
                .append("name", str(name))
                .append("sku", str(sku))
                .append("price", decimal(price))
                .append("stock", new BsonInt32(10))
                .append("createdAt", new BsonDateTime(SOLD.toEpochMilli()));
    }

    static BsonDocument doc(String key, org.bson.BsonValue value) {
        return new BsonDocument(key, value);
    }

    static BsonString str(String text) {
        return new BsonString(text);
    }

    static BsonDecimal128 decimal(String text) {
        return new BsonDecimal128(Decimal128.parse(text));
    }
}
