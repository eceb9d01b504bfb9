package io.silo.http.imports;

import static io.silo.http.imports.MongoImportTest.bcrypt;
import static io.silo.http.imports.MongoImportTest.decimal;
import static io.silo.http.imports.MongoImportTest.doc;
import static io.silo.http.imports.MongoImportTest.member;
import static io.silo.http.imports.MongoImportTest.run;
import static io.silo.http.imports.MongoImportTest.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.password4j.types.Bcrypt;
import io.silo.app.imports.ImportMapping;
import io.silo.app.imports.ImportReport;
import io.silo.error.SiloException;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * The registry layout: the ERP's multi-database mode, where {@code admin_hub.tenants_registry} names
 * each business's database ({@code computer_techland_db}) and the users live in the shared
 * {@code erp_database}, each naming their business by its slug or by its entry's id. What the
 * registry says is kept: the slug, the database name, the license and the quotas.
 */
@SiloTest
class RegistryImportTest {

    @Test
    void theErpsRegistryNamesEachBusinessesDatabaseAndItsSlugDatabaseNameAndQuotasAreKept(
            TestSilo silo, SiloClient client) throws IOException {
        Path dump = Files.createTempDirectory("erp-multi");
        ObjectId techland = new ObjectId();
        ObjectId branch = new ObjectId();
        MongoDumps.exportArray(
                dump,
                "admin_hub",
                "tenants_registry",
                List.of(
                        doc("_id", new BsonObjectId(techland))
                                .append("slug", str("techland"))
                                .append("business_name", str("TechLand Computers"))
                                .append("business_type", str("computer"))
                                .append("db_name", str("computer_techland_db"))
                                .append("license_type", str("pro"))
                                .append("max_users", new BsonInt32(5))
                                .append("max_branches", new BsonInt32(1)),
                        doc("_id", new BsonObjectId())
                                .append("slug", str("mobile"))
                                .append("business_name", str("Mobile Shop"))
                                .append("business_type", str("mobile"))
                                .append("db_name", str("mobile_shop_db"))
                                // the ERP's "no limit": not a quota Silo takes
                                .append("max_users", new BsonInt32(0)),
                        doc("_id", new BsonObjectId())
                                .append("slug", str("Odd Corner!"))
                                .append("business_name", str("Odd Corner"))
                                .append("business_type", str("retail"))
                                .append("db_name", str("Odd-Corner-DB"))));
        MongoDumps.exportLines(
                dump,
                "erp_database",
                "users",
                List.of(
                        doc("_id", new BsonObjectId())
                                .append("email", str("computershop@example.com"))
                                .append("full_name", str("TechLand Admin"))
                                .append("hashed_password", str(bcrypt("computershop123", Bcrypt.B)))
                                .append("role", str("tenant_admin"))
                                .append("tenant_id", str("techland")),
                        // naming the business by its registry entry's id
                        doc("_id", new BsonObjectId())
                                .append("email", str("cashier@techland.test"))
                                .append("full_name", str("Cashier"))
                                .append("hashed_password", str(bcrypt("cashier-pass", Bcrypt.Y)))
                                .append("role", str("staff"))
                                .append("tenant_id", str(techland.toHexString())),
                        doc("_id", new BsonObjectId())
                                .append("email", str("mobile@example.com"))
                                .append("full_name", str("Mobile Admin"))
                                .append("hashed_password", str(bcrypt("mobile123", Bcrypt.B)))
                                .append("role", str("tenant_admin"))
                                .append("tenant_id", str("mobile")),
                        doc("_id", new BsonObjectId())
                                .append("email", str("odd@example.com"))
                                .append("full_name", str("Odd Admin"))
                                .append("hashed_password", str(bcrypt("odd-corner-1", Bcrypt.B)))
                                .append("role", str("tenant_admin"))
                                .append("tenant_id", str("Odd Corner!")),
                        doc("_id", new BsonObjectId())
                                .append("email", str("ghost@example.com"))
                                .append("hashed_password", str(bcrypt("ghost-pass", Bcrypt.B)))
                                .append("role", str("tenant_admin"))
                                .append("tenant_id", str("nowhere"))));
        // legacy data left in the shared database is not the registry layout's
        MongoDumps.exportLines(
                dump,
                "erp_database",
                "products",
                List.of(doc("_id", new BsonObjectId())
                        .append("name", str("Legacy"))
                        .append("price", decimal("1"))
                        .append("tenant_id", str("techland"))));
        MongoDumps.exportLines(
                dump,
                "computer_techland_db",
                "branches",
                List.of(doc("_id", new BsonObjectId(branch)).append("name", str("Main street"))));
        MongoDumps.exportLines(
                dump,
                "computer_techland_db",
                "products",
                List.of(
                        doc("_id", new BsonObjectId())
                                .append("name", str("Laptop"))
                                .append("price", decimal("999.99"))
                                .append("branch_id", new BsonObjectId(branch)),
                        doc("_id", new BsonObjectId())
                                .append("name", str("Mouse"))
                                .append("price", decimal("19.90"))));
        MongoDumps.exportLines(
                dump,
                "mobile_shop_db",
                "products",
                List.of(doc("_id", new BsonObjectId())
                        .append("name", str("Phone case"))
                        .append("price", decimal("9.50"))));
        MongoDumps.exportLines(
                dump,
                "old_backup_db",
                "products",
                List.of(doc("_id", new BsonObjectId())
                        .append("name", str("Stale"))
                        .append("price", decimal("1"))));

        ImportMapping mapping = ImportMapping.defaults(ImportMapping.Layout.REGISTRY);
        ImportReport first = run(silo, dump, mapping);

        ImportReport.Tenant techlandReport = first.tenants().get("techland");
        assertThat(techlandReport.status()).as(first.json().toString()).isEqualTo("created");
        assertThat(techlandReport.slug()).contains("techland");
        assertThat(techlandReport.collections().get("erp.products").imported()).isEqualTo(2);
        assertThat(first.tenants().get("mobile").slug()).contains("mobile");
        assertThat(first.tenants().get("mobile").notes())
                .anySatisfy(note -> assertThat(note).contains("quota maxUsers", "not kept"));
        assertThat(first.notes())
                .anySatisfy(note -> assertThat(note).contains("old_backup_db", "no entry of the registry"))
                .anySatisfy(note -> assertThat(note).contains("erp_database holds the users", "products"));
        assertThat(first.unassigned())
                .anySatisfy(loose -> assertThat(loose.reason()).contains("'nowhere' has no entry in the registry"));
        assertThat(databaseOf(silo, "techland")).isEqualTo("computer_techland_db");
        assertThat(databaseOf(silo, "mobile")).isEqualTo("mobile_shop_db");

        // a slug and a database name Silo cannot keep: the name gives the slug, the template the database name
        ImportReport.Tenant odd = first.tenants().get("Odd Corner!");
        assertThat(odd.status()).as(first.json().toString()).isEqualTo("created");
        assertThat(odd.slug()).contains("odd-corner");
        assertThat(odd.notes())
                .anySatisfy(note -> assertThat(note).contains("slug 'Odd Corner!'"))
                .anySatisfy(note -> assertThat(note).contains("Odd-Corner-DB", "not kept"));
        assertThat(databaseOf(silo, "odd-corner")).isEqualTo("retail_odd_corner_db");

        SiloClient admin = member(silo, "techland", "computershop@example.com", "computershop123");
        member(silo, "techland", "cashier@techland.test", "cashier-pass");
        member(silo, "mobile", "mobile@example.com", "mobile123");
        assertThat(admin.get("/api/data/erp/products/_count")
                        .json()
                        .path("count")
                        .asInt())
                .isEqualTo(2);
        SiloClient.Response secondBranch = admin.post("/api/data/erp/branches", Map.of("name", "Second street"));
        assertThat(secondBranch.status()).as(secondBranch.text()).isEqualTo(422);
        assertThat(secondBranch.problemType()).isEqualTo("quota-exceeded");
        SiloClient.Response organization = client.asAdmin().get("/api/organizations/techland");
        assertThat(organization.json().path("license").asString()).isEqualTo("pro");
        assertThat(organization.json().path("quotas").path("maxUsers").asInt()).isEqualTo(5);

        ImportReport second = run(silo, dump, mapping);
        assertThat(second.written()).isZero();
        assertThat(second.tenants().get("techland").status()).isEqualTo("found");

        // the demo's source name is its own: an import under it could reach the demo's organizations
        assertThatThrownBy(() -> run(silo, dump, mapping.withSource("silo serve --demo")))
                .isInstanceOf(SiloException.class)
                .hasMessageContaining("the demo's own");
    }

    @Test
    void aRegistryLayoutWithoutADatabaseFieldOrWithAnUnknownRegistryKeyIsRefusedBeforeAnythingRuns()
            throws IOException {
        Path mapping = Files.createTempFile("registry-mapping", ".yaml");
        Files.writeString(mapping, "layout: registry\nregistry: {database: master, collection: Admins}\n");
        assertThatThrownBy(() -> ImportMapping.read(mapping, java.util.Optional.empty()))
                .isInstanceOf(SiloException.class)
                .hasMessageContaining("databaseName");
        Files.writeString(
                mapping, "layout: registry\nregistry: {collection: Admins, databaseName: db, databse: master}\n");
        assertThatThrownBy(() -> ImportMapping.read(mapping, java.util.Optional.empty()))
                .isInstanceOf(SiloException.class)
                .hasMessageContaining("unknown key 'databse'");
    }

    private static String databaseOf(TestSilo silo, String slug) {
        return silo.control()
                .query(
                        "SELECT d.database_name FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id"
                                + " WHERE t.slug = ? AND d.service = 'erp'",
                        row -> row.getString(1),
                        slug)
                .getFirst();
    }
}
