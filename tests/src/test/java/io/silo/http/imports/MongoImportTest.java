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
        // the dual-write POS kept every user in its main database too: a copy of the owner that
        // differs (the tenant's copy wins) and a cashier whose tenant copy was never written
        MongoDumps.dump(
                dump,
                "NewLiqourPOS",
                "users",
                false,
                List.of(
                        doc("_id", new BsonObjectId(owner))
                                .append("email", str("owner@valley.test"))
                                .append("name", str("O. Owner (main copy)"))
                                .append("password", str(bcrypt("valley-owner-pass", Bcrypt.A)))
                                .append("role", str("org_admin"))
                                .append("organizationId", new BsonObjectId(valley)),
                        doc("_id", new BsonObjectId())
                                .append("email", str("late@valley.test"))
                                .append("name", str("Lena Late"))
                                .append("password", str(bcrypt("late-cashier-pass", Bcrypt.B)))
                                .append("role", str("cashier"))
                                .append("organizationId", new BsonObjectId(valley))),
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
                .anySatisfy(note -> assertThat(note).contains("cash@valley.test", "plain-text", "shorter"))
                .anySatisfy(note -> assertThat(note)
                        .contains("owner@valley.test", "NewLiqourPOS.users", "name", valleyDb + ".users", "kept"))
                .anySatisfy(note -> assertThat(note).contains("late@valley.test", "only in NewLiqourPOS.users"));
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
        // the import analyses what it loaded: an estimate said 0 until autovacuum came by (regression)
        ownerClient
                .get("/api/health/tenant/collections")
                .json()
                .path("databases")
                .forEach(database -> database.path("collections").forEach(collection -> {
                    if (database.path("service").asString().equals("pos")
                            && collection.path("name").asString().equals("products")) {
                        assertThat(collection.path("estimatedDocuments").asLong())
                                .isEqualTo(2);
                    }
                }));
        assertThat(ownerClient
                        .get("/api/auth/me")
                        .json()
                        .path("user")
                        .path("name")
                        .asString())
                .as("the tenant database's copy wins")
                .isEqualTo("Olga Owner");
        SiloClient late = member(silo, "valley-liquors", "late@valley.test", "late-cashier-pass");
        assertThat(late.get("/api/auth/me")
                        .json()
                        .path("user")
                        .path("roles")
                        .path("pos")
                        .asString())
                .isEqualTo("cashier");
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

    @Test
    void aSharedDatabaseExportIsSplitByItsOrganizationFieldAndACollisionOrAMissingFieldIsReported(
            TestSilo silo, SiloClient client) throws IOException {
        // an organization with the slug of the registry's entry that the import did not make: a collision, never taken
        // over
        SiloClient.Response other = client.asAdmin()
                .post(
                        "/api/organizations",
                        Map.of(
                                "name",
                                "HealthCare Pharmacy",
                                "slug",
                                "healthcare",
                                "businessType",
                                "pharmacy",
                                "services",
                                List.of("erp"),
                                "admin",
                                Map.of("email", "someone@else.test", "name", "Else", "password", "someone-else-pw")));
        assertThat(other.status()).as(other.text()).isEqualTo(201);
        Path dump = Files.createTempDirectory("erp-legacy");
        MongoDumps.exportArray(
                dump,
                "admin_hub",
                "tenants_registry",
                List.of(
                        doc("slug", str("techland"))
                                .append("business_name", str("TechLand Computers"))
                                .append("business_type", str("computer")),
                        doc("slug", str("healthcare"))
                                .append("business_name", str("HealthCare Pharmacy"))
                                .append("business_type", str("pharmacy"))));
        ObjectId admin = new ObjectId();
        ObjectId branch = new ObjectId();
        MongoDumps.exportLines(
                dump,
                "erp_database",
                "users",
                List.of(
                        doc("_id", new BsonObjectId(admin))
                                .append("email", str("computershop@example.com"))
                                .append("full_name", str("TechLand Admin"))
                                .append("hashed_password", str(bcrypt("computershop123", Bcrypt.B)))
                                .append("role", str("tenant_admin"))
                                .append("tenant_id", str("techland")),
                        doc("_id", new BsonObjectId())
                                .append("email", str("staff@techland.test"))
                                .append("full_name", str("Staff"))
                                .append("hashed_password", str(bcrypt("staff-pass", Bcrypt.Y)))
                                .append("role", str("staff"))
                                .append("tenant_id", str("techland")),
                        doc("_id", new BsonObjectId())
                                .append("email", str("pharma@example.com"))
                                .append("full_name", str("Pharma Admin"))
                                .append("hashed_password", str(bcrypt("pharma123", Bcrypt.B)))
                                .append("role", str("tenant_admin"))
                                .append("tenant_id", str("healthcare"))));
        MongoDumps.exportLines(
                dump,
                "erp_database",
                "branches",
                List.of(doc("_id", new BsonObjectId(branch))
                        .append("name", str("Main street"))
                        .append("manager_id", new BsonObjectId(admin))
                        .append("tenant_id", str("techland"))));
        MongoDumps.exportLines(
                dump,
                "erp_database",
                "products",
                List.of(
                        doc("_id", new BsonObjectId())
                                .append("name", str("Laptop"))
                                .append("price", decimal("999.99"))
                                .append("branch_id", new BsonObjectId(branch))
                                .append("tenant_id", str("techland")),
                        doc("_id", new BsonObjectId())
                                .append("name", str("Mouse"))
                                .append("price", decimal("19.90"))
                                .append("tenant_id", str("techland")),
                        doc("_id", new BsonObjectId())
                                .append("name", str("Aspirin"))
                                .append("price", decimal("3.10"))
                                .append("tenant_id", str("healthcare")),
                        doc("_id", new BsonObjectId())
                                .append("name", str("Orphan"))
                                .append("price", decimal("1"))),
                "{\"_id\": {\"$oid\": \"not-an-object-id\"}, \"name\": ");
        MongoDumps.exportLines(
                dump,
                "erp_database",
                "audit_logs",
                List.of(doc("_id", new BsonObjectId()).append("tenant_id", str("techland"))));

        ImportReport first = run(silo, dump, ImportMapping.defaults(ImportMapping.Layout.SHARED));

        ImportReport.Tenant techland = first.tenants().get("techland");
        assertThat(techland.status()).as(first.json().toString()).isEqualTo("created");
        // the registry's slug is kept
        assertThat(techland.slug()).contains("techland");
        assertThat(techland.collections().get("erp.products").imported()).isEqualTo(2);
        assertThat(techland.collections().get("erp.branches").imported()).isEqualTo(1);
        assertThat(techland.collections().get("erp.audit_logs").rejected()).isEqualTo(1);
        assertThat(techland.notes()).anySatisfy(note -> assertThat(note).contains("audit_logs", "no counterpart"));
        ImportReport.Tenant healthcare = first.tenants().get("healthcare");
        assertThat(healthcare.status()).isEqualTo("collision");
        assertThat(healthcare.reason())
                .hasValueSatisfying(reason -> assertThat(reason).contains("'healthcare'"));
        assertThat(healthcare.collections().get("erp.products").rejected()).isEqualTo(1);
        assertThat(first.unassigned())
                .anySatisfy(loose -> assertThat(loose.reason()).contains("no organization field 'tenant_id'"))
                .anySatisfy(loose -> assertThat(loose.reason()).contains("invalid extended JSON"));
        assertThat(first.complete()).isFalse();

        SiloClient techlandAdmin = member(silo, "techland", "computershop@example.com", "computershop123");
        JsonNode laptop = techlandAdmin
                .get("/api/data/erp/products?filter="
                        + java.net.URLEncoder.encode("{\"name\":\"Laptop\"}", java.nio.charset.StandardCharsets.UTF_8))
                .json()
                .path("items")
                .get(0);
        String source = dump.getFileName().toString();
        assertThat(laptop.path("branch_id").asString())
                .isEqualTo(StableIds.of(source, branch.toHexString()).toString());
        assertThat(laptop.path("price").decimalValue()).isEqualByComparingTo("999.99");
        assertThat(laptop.path("tenant_id").asString()).isEqualTo("techland");
        JsonNode mainStreet = techlandAdmin
                .get("/api/data/erp/branches/" + StableIds.of(source, branch.toHexString()))
                .json();
        // the first administrator was made with the organization: the source's id of that person names them
        assertThat(mainStreet.path("manager_id").asString())
                .isEqualTo(techlandAdmin
                        .get("/api/users?q=computershop")
                        .json()
                        .path("items")
                        .get(0)
                        .path("id")
                        .asString());
        member(silo, "techland", "staff@techland.test", "staff-pass");
        // the other organization was left alone
        assertThat(client.post(
                                "/api/auth/login",
                                Map.of(
                                        "organization",
                                        "healthcare",
                                        "email",
                                        "pharma@example.com",
                                        "password",
                                        "pharma123"))
                        .status())
                .isEqualTo(401);

        ImportReport second = run(silo, dump, ImportMapping.defaults(ImportMapping.Layout.SHARED));
        assertThat(second.written()).isZero();
        assertThat(second.tenants().get("techland").status()).isEqualTo("found");
        assertThat(second.tenants().get("healthcare").status()).isEqualTo("collision");
    }

    @Test
    void aDatabasePerServiceDumpMergesAPersonsCopiesIntoOneUserWithARolePerService(TestSilo silo) throws IOException {
        Path dump = Files.createTempDirectory("avaone");
        ObjectId bobBilling = new ObjectId();
        ObjectId aliceBilling = new ObjectId();
        ObjectId aliceCrm = new ObjectId();
        String aliceHash = bcrypt("manager123", Bcrypt.A);
        for (String service : List.of("billing", "crm")) {
            boolean billing = service.equals("billing");
            MongoDumps.dump(
                    dump,
                    service + "_techcorp_solutions",
                    "user_techcorp_solutions",
                    billing,
                    List.of(
                            doc("_id", new BsonObjectId(billing ? bobBilling : new ObjectId()))
                                    .append("organizationId", str("org_techcorp_001"))
                                    .append("organizationName", str("TechCorp Solutions"))
                                    .append("email", str("bob@techcorp.test"))
                                    .append("password", str("secure123"))
                                    .append("role", str("admin"))
                                    .append("serviceType", str(service)),
                            doc("_id", new BsonObjectId(billing ? aliceBilling : aliceCrm))
                                    .append("organizationId", str("org_techcorp_001"))
                                    .append("organizationName", str("TechCorp Solutions"))
                                    .append("email", str("alice@techcorp.test"))
                                    .append("name", str(billing ? "Alice" : "Alice Smith"))
                                    .append("password", str(aliceHash))
                                    .append("role", str(billing ? "manager" : "user"))
                                    .append("serviceType", str(service))),
                    new byte[0],
                    new BsonArray());
        }
        ObjectId invoice = new ObjectId();
        MongoDumps.dump(
                dump,
                "billing_techcorp_solutions",
                "invoices",
                true,
                List.of(doc("_id", new BsonObjectId(invoice))
                        .append("number", str("INV-001"))
                        .append("customer", doc("name", str("ACME")))
                        .append("status", str("sent"))
                        .append("currency", str("EUR"))
                        .append("total", decimal("1200.00"))
                        .append("issueDate", new BsonDateTime(SOLD.toEpochMilli()))
                        .append("createdBy", new BsonObjectId(aliceBilling))),
                new byte[0],
                new BsonArray());
        MongoDumps.dump(
                dump,
                "crm_techcorp_solutions",
                "contacts",
                false,
                List.of(doc("_id", new BsonObjectId())
                        .append("name", str("Dora Client"))
                        .append("ownerId", new BsonObjectId(aliceCrm))),
                new byte[0],
                new BsonArray());

        ImportReport first = run(silo, dump, ImportMapping.defaults(ImportMapping.Layout.PER_SERVICE));

        ImportReport.Tenant techcorp = first.tenants().get("techcorp_solutions");
        assertThat(techcorp.status()).as(first.json().toString()).isEqualTo("created");
        assertThat(techcorp.slug()).contains("techcorp-solutions");
        assertThat(techcorp.collections().get("billing.invoices").imported()).isEqualTo(1);
        assertThat(techcorp.collections().get("crm.contacts").imported()).isEqualTo(1);
        assertThat(techcorp.notes())
                .anySatisfy(note -> assertThat(note).contains("alice@techcorp.test", "crm", "[name]"))
                .anySatisfy(note -> assertThat(note).contains("bob@techcorp.test", "plain-text", "shorter"));
        assertThat(first.complete()).isTrue();

        SiloClient bob = member(silo, "techcorp-solutions", "bob@techcorp.test", "secure123");
        JsonNode alice = bob.get("/api/users?q=alice").json().path("items").get(0);
        assertThat(alice.path("services").path("billing").asString()).isEqualTo("manager");
        assertThat(alice.path("services").path("crm").asString()).isEqualTo("user");
        assertThat(alice.path("name").asString()).isEqualTo("Alice");
        assertThat(bob.get("/api/users").json().path("items")).hasSize(2);
        SiloClient aliceClient = member(silo, "techcorp-solutions", "alice@techcorp.test", "manager123");
        String source = dump.getFileName().toString();
        JsonNode stored = aliceClient
                .get("/api/data/billing/invoices/" + StableIds.of(source, invoice.toHexString()))
                .json();
        // both of her copies' ids name the one user she became
        assertThat(stored.path("createdBy").asString())
                .isEqualTo(alice.path("id").asString());
        // a date in a field whose schema wants a day is that day in UTC
        assertThat(stored.path("issueDate").asString()).isEqualTo("2025-03-04");
        JsonNode contact =
                aliceClient.get("/api/data/crm/contacts").json().path("items").get(0);
        assertThat(contact.path("ownerId").asString())
                .isEqualTo(alice.path("id").asString());

        ImportReport second = run(silo, dump, ImportMapping.defaults(ImportMapping.Layout.PER_SERVICE));
        assertThat(second.written()).isZero();
        assertThat(second.complete()).isTrue();
        assertThat(second.tenants()
                        .get("techcorp_solutions")
                        .collections()
                        .get("core.users")
                        .unchanged())
                .isEqualTo(2);
    }

    @Test
    void aMappingFileImportsASchoolWhosePrincipalIsInTheMasterRegistryAndWhoseSubmissionsBecomeACollection(
            TestSilo silo) throws IOException {
        Path dump = Files.createTempDirectory("school");
        Path mappingFile = dump.resolveSibling(dump.getFileName() + ".yaml");
        // the school system: its principals in smart_crm_master.AdminRegistry, each naming their school's database
        Files.writeString(mappingFile, """
                layout: registry
                source: green-valley
                service: school
                userDatabase: null
                registry:
                  database: smart_crm_master
                  collection: AdminRegistry
                  name: institutionName
                  databaseName: databaseName
                  admin: true
                """);
        ObjectId principal = new ObjectId();
        ObjectId teacher = new ObjectId();
        ObjectId student = new ObjectId();
        ObjectId classId = new ObjectId();
        ObjectId assignment = new ObjectId();
        ObjectId submission = new ObjectId();
        String database = "smart_crm_greenvalley_1718000000000";
        MongoDumps.dump(
                dump,
                "smart_crm_master",
                "AdminRegistry",
                false,
                List.of(doc("_id", new BsonObjectId(principal))
                        .append("username", str("principal"))
                        .append("name", str("Pat Principal"))
                        .append("password", str(bcrypt("principal1", Bcrypt.B)))
                        .append("institutionName", str("Green Valley School"))
                        .append("databaseName", str(database))
                        .append("isActive", BsonBoolean.TRUE)),
                new byte[0],
                new BsonArray());
        MongoDumps.dump(
                dump,
                database,
                "users",
                false,
                List.of(
                        doc("_id", new BsonObjectId(teacher))
                                .append("username", str("teacher1"))
                                .append("name", str("Tess Teacher"))
                                .append("password", str(bcrypt("teacher1", Bcrypt.B)))
                                .append("role", str("teacher")),
                        doc("_id", new BsonObjectId(student))
                                .append("username", str("student1"))
                                .append("name", str("Sam Student"))
                                .append("password", str(bcrypt("student1", Bcrypt.B)))
                                .append("role", str("student"))
                                .append("isActive", BsonBoolean.FALSE)),
                new byte[0],
                new BsonArray());
        MongoDumps.dump(
                dump,
                database,
                "classes",
                false,
                List.of(doc("_id", new BsonObjectId(classId))
                        .append("name", str("5A"))
                        .append("grade", new BsonInt32(5))
                        .append("teacherId", new BsonObjectId(teacher))
                        .append("students", new BsonArray(List.of(new BsonObjectId(student))))),
                new byte[0],
                new BsonArray());
        MongoDumps.dump(
                dump,
                database,
                "assignments",
                true,
                List.of(doc("_id", new BsonObjectId(assignment))
                        .append("title", str("Fractions"))
                        .append("teacherId", new BsonObjectId(teacher))
                        .append("classIds", new BsonArray(List.of(new BsonObjectId(classId))))
                        .append("dueDate", new BsonDateTime(SOLD.toEpochMilli()))
                        .append(
                                "submissions",
                                new BsonArray(List.of(doc("_id", new BsonObjectId(submission))
                                        .append("studentId", new BsonObjectId(student))
                                        .append("status", str("submitted"))
                                        .append("submittedAt", new BsonDateTime(SOLD.toEpochMilli())))))),
                new byte[0],
                new BsonArray());

        ImportMapping mapping = ImportMapping.read(mappingFile, Optional.empty());
        ImportReport first = run(silo, dump, mapping);

        ImportReport.Tenant school = first.tenants().get(principal.toHexString());
        assertThat(school.status()).as(first.json().toString()).isEqualTo("created");
        assertThat(school.slug()).contains("green-valley-school");
        // the school's database keeps its name
        assertThat(silo.control()
                        .query(
                                "SELECT d.database_name FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id"
                                        + " WHERE t.slug = 'green-valley-school' AND d.service = 'school'",
                                row -> row.getString(1))
                        .getFirst())
                .isEqualTo(database);
        assertThat(school.collections().get("school.submissions").imported()).isEqualTo(1);
        assertThat(first.complete()).as(first.json().toString()).isTrue();
        SiloClient principalClient = silo.client()
                .as(silo.client()
                        .post(
                                "/api/auth/login",
                                Map.of(
                                        "organization",
                                        "green-valley-school",
                                        "username",
                                        "principal",
                                        "password",
                                        "principal1"))
                        .json()
                        .path("accessToken")
                        .asString());
        JsonNode handedIn =
                principalClient.get("/api/data/school/submissions").json().path("items");
        assertThat(handedIn).hasSize(1);
        assertThat(handedIn.get(0).path("_id").asString())
                .isEqualTo(
                        StableIds.of("green-valley", submission.toHexString()).toString());
        assertThat(handedIn.get(0).path("assignmentId").asString())
                .isEqualTo(
                        StableIds.of("green-valley", assignment.toHexString()).toString());
        assertThat(handedIn.get(0).path("studentId").asString())
                .isEqualTo(StableIds.of("green-valley", student.toHexString()).toString());
        JsonNode stored = principalClient
                .get("/api/data/school/assignments/" + StableIds.of("green-valley", assignment.toHexString()))
                .json();
        assertThat(stored.has("submissions")).isFalse();
        assertThat(stored.path("classIds").get(0).asString())
                .isEqualTo(StableIds.of("green-valley", classId.toHexString()).toString());
        Map<String, Object> teacherLogin =
                Map.of("organization", "green-valley-school", "username", "teacher1", "password", "teacher1");
        assertThat(silo.client().post("/api/auth/login", teacherLogin).status()).isEqualTo(200);
        // inactive in the source, disabled here
        Map<String, Object> studentLogin =
                Map.of("organization", "green-valley-school", "username", "student1", "password", "student1");
        assertThat(silo.client().post("/api/auth/login", studentLogin).status()).isNotEqualTo(200);
        assertThat(run(silo, dump, mapping).written()).isZero();
    }

    /**
     * The dual-write POS's main-database copy of a user loses to the tenant's copy, roles included:
     * a stale main copy that says {@code org_admin} makes no administrator of the tenant's cashier,
     * and the report notes that the roles differ. Regression: the main copy's administrator role
     * still made the person the organization's administrator, and only name, password and active
     * were compared.
     */
    @Test
    void aStaleMainCopyOfAPosUserMakesNoAdministratorOfTheTenantsCashier(TestSilo silo) throws IOException {
        Path dump = Files.createTempDirectory("stale-main-copy");
        ObjectId hill = new ObjectId();
        ObjectId clerk = new ObjectId();
        String clerkHash = bcrypt("hill-clerk-pass", Bcrypt.B);
        MongoDumps.dump(
                dump,
                "NewLiqourPOS",
                "organizations",
                false,
                List.of(doc("_id", new BsonObjectId(hill)).append("name", str("Hill Spirits"))),
                new byte[0],
                new BsonArray());
        MongoDumps.dump(
                dump,
                "NewLiqourPOS",
                "users",
                false,
                List.of(doc("_id", new BsonObjectId(clerk))
                        .append("email", str("clerk@hill.test"))
                        .append("name", str("Cleo Clerk"))
                        .append("password", str(clerkHash))
                        .append("role", str("org_admin"))
                        .append("organizationId", new BsonObjectId(hill))),
                new byte[0],
                new BsonArray());
        String hillDb = "tenant_" + hill.toHexString();
        MongoDumps.dump(
                dump,
                hillDb,
                "users",
                true,
                List.of(
                        doc("_id", new BsonObjectId())
                                .append("email", str("boss@hill.test"))
                                .append("name", str("Hilde Boss"))
                                .append("password", str(bcrypt("hill-boss-pass", Bcrypt.B)))
                                .append("role", str("org_admin")),
                        doc("_id", new BsonObjectId(clerk))
                                .append("email", str("clerk@hill.test"))
                                .append("name", str("Cleo Clerk"))
                                .append("password", str(clerkHash))
                                .append("role", str("cashier"))),
                new byte[0],
                new BsonArray());

        ImportReport report = run(silo, dump, ImportMapping.defaults(ImportMapping.Layout.PER_TENANT));

        ImportReport.Tenant hillReport = report.tenants().get(hill.toHexString());
        assertThat(hillReport.status()).as(report.json().toString()).isEqualTo("created");
        assertThat(hillReport.notes())
                .anySatisfy(note -> assertThat(note)
                        .contains("clerk@hill.test", "NewLiqourPOS.users", "[role]", hillDb + ".users", "kept"));
        JsonNode roles = member(silo, hillReport.slug().orElseThrow(), "clerk@hill.test", "hill-clerk-pass")
                .get("/api/auth/me")
                .json()
                .path("user")
                .path("roles");
        assertThat(roles.path("pos").asString()).isEqualTo("cashier");
        assertThat(roles.path("core").asString())
                .as("the tenant's copy says cashier")
                .isNotEqualTo("admin");
        JsonNode boss = member(silo, hillReport.slug().orElseThrow(), "boss@hill.test", "hill-boss-pass")
                .get("/api/auth/me")
                .json()
                .path("user")
                .path("roles");
        assertThat(boss.path("core").asString()).isEqualTo("admin");
    }

    /** Stands for the process dying in the middle of an import. */
    static final class SimulatedKill extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedKill() {
            super("simulated kill in the middle of the import");
        }
    }

    @Test
    void anImportKilledMidwayAndRunAgainEndsLikeAnUninterruptedOne(TestSilo silo) throws IOException {
        Path dump = Files.createTempDirectory("killed");
        List<String> tenants = List.of(new ObjectId().toHexString(), new ObjectId().toHexString());
        int products = 1_300;
        for (String tenant : tenants) {
            String database = "tenant_" + tenant;
            MongoDumps.dump(
                    dump,
                    database,
                    "users",
                    false,
                    List.of(doc("_id", new BsonObjectId())
                            .append("email", str("owner-" + tenant + "@killed.test"))
                            .append("name", str("Owner"))
                            .append("password", str("killed-owner-pass"))
                            .append("role", str("org_admin"))),
                    new byte[0],
                    new BsonArray());
            List<BsonDocument> catalog = new java.util.ArrayList<>();
            List<BsonDocument> movements = new java.util.ArrayList<>();
            for (int i = 0; i < products; i++) {
                ObjectId product = new ObjectId();
                catalog.add(product(product, "Bottle " + i, "B-" + i, (i % 90) + ".50"));
                movements.add(doc("_id", new BsonObjectId())
                        .append("productId", new BsonObjectId(product))
                        .append("type", str("purchase"))
                        .append("quantity", new BsonInt32(10))
                        .append("at", new BsonDateTime(SOLD.toEpochMilli())));
            }
            MongoDumps.dump(dump, database, "products", true, catalog, new byte[0], new BsonArray());
            MongoDumps.dump(dump, database, "inventorytransactions", false, movements, new byte[0], new BsonArray());
        }
        ImportMapping mapping = ImportMapping.defaults(ImportMapping.Layout.PER_TENANT);
        MongoImport imports = silo.silo().application().imports();
        MongoImport.Request request = new MongoImport.Request(dump, mapping, Optional.empty(), ACTOR);

        long[] killedAt = new long[1];
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> imports.run(request, (read, total, documents) -> {
                    if (read * 100 > total * 55) {
                        killedAt[0] = documents;
                        throw new SimulatedKill();
                    }
                }))
                .isInstanceOf(SimulatedKill.class);
        assertThat(killedAt[0]).isBetween(1L, 4L * products);

        ImportReport resumed = imports.run(request, MongoImport.Progress.NONE);
        assertThat(resumed.complete()).as(resumed.json().toString()).isTrue();
        long before = 0;
        for (String tenant : tenants) {
            ImportReport.Tenant report = resumed.tenants().get(tenant);
            for (String collection : List.of("pos.products", "pos.inventory_transactions")) {
                ImportReport.Counts counts = report.collections().get(collection);
                assertThat(counts.imported() + counts.unchanged())
                        .as(collection)
                        .isEqualTo(products);
                assertThat(counts.updated() + counts.rejected()).isZero();
                before += counts.unchanged();
            }
            SiloClient owner =
                    member(silo, report.slug().orElseThrow(), "owner-" + tenant + "@killed.test", "killed-owner-pass");
            assertThat(owner.get("/api/data/pos/products/_count")
                            .json()
                            .path("count")
                            .asInt())
                    .isEqualTo(products);
            assertThat(owner.get("/api/data/pos/inventory_transactions/_count")
                            .json()
                            .path("count")
                            .asInt())
                    .isEqualTo(products);
        }
        // the first run had written whole batches before it died: the second found them, and wrote the rest
        assertThat(before).isPositive().isLessThan(4L * products);
        assertThat(imports.run(request, MongoImport.Progress.NONE).written()).isZero();
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
