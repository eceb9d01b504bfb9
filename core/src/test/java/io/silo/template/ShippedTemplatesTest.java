package io.silo.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.naming.DatabaseNamer;
import io.silo.naming.NamingContext;
import io.silo.template.CollectionSpec.IndexSpec;
import io.silo.template.Migration.Operation;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The shipped templates express what the seeds' users built by hand: collections, indexes and database names. */
class ShippedTemplatesTest {
    private static final TemplateCatalog CATALOG = TemplateCatalog.builtIn();
    private static final NamingContext TECHCORP = NamingContext.of(
                    UUID.fromString("0190f5a2-7c3e-7b1a-9d4e-2f6a8b0c1d2e"),
                    "techland",
                    "TechCorp Solutions",
                    Instant.ofEpochMilli(1_731_760_496_123L))
            .withBusinessType("computer")
            .withAdminUsername("principal");

    @Test
    void officeSuiteServicesHaveTheirCollectionsRolesAndNames() {
        assertThat(CATALOG.require("billing").collections())
                .containsOnlyKeys("invoices", "payments", "subscriptions", "billing_config");
        assertThat(CATALOG.require("crm").collections())
                .containsOnlyKeys("contacts", "leads", "deals", "activities", "crm_config");
        assertThat(CATALOG.require("pingora").collections())
                .containsOnlyKeys("teams", "projects", "tasks", "communications", "pingora_config");
        for (String service : List.of("billing", "crm", "pingora")) {
            ServiceTemplate template = CATALOG.require(service);
            assertThat(template.roles()).as(service).containsOnlyKeys("admin", "manager", "user");
            assertThat(name(template)).isEqualTo(service + "_techcorp_solutions");
        }
    }

    @Test
    void pointOfSaleIsNamedAfterTheTenantId() {
        ServiceTemplate pos = CATALOG.require("pos");

        assertThat(pos.collections()).containsOnlyKeys("products", "sales", "inventory_transactions");
        assertThat(pos.roles()).containsOnlyKeys("org_admin", "manager", "cashier");
        assertThat(name(pos)).isEqualTo("tenant_0190f5a2_7c3e_7b1a_9d4e_2f6a8b0c1d2e");
    }

    @Test
    void erpHasTheIndexesItsSeedCreated() {
        ServiceTemplate erp = CATALOG.require("erp");

        assertThat(erp.collections()).containsOnlyKeys("settings", "products", "sales", "customers", "branches");
        assertThat(erp.roles()).containsOnlyKeys("tenant_admin", "staff");
        assertThat(name(erp)).isEqualTo("computer_techland_db");
        assertThat(indexes(erp, "products")).containsExactly(index(false, "tenant_id", "branch_id"));
        assertThat(indexes(erp, "sales")).containsExactly(index(true, "tenant_id", "created_at"));
        assertThat(indexes(erp, "customers")).containsExactly(index(false, "tenant_id", "email"));
    }

    @Test
    void schoolHasTheIndexesItsSeedCreated() {
        ServiceTemplate school = CATALOG.require("school");

        assertThat(school.collections())
                .containsOnlyKeys(
                        "classes", "schedules", "assignments", "submissions", "messages", "calendar", "subjects");
        assertThat(school.roles()).containsOnlyKeys("teacher", "student", "principal");
        assertThat(school.adminRole()).isEqualTo("principal");
        assertThat(name(school)).isEqualTo("smart_crm_principal_1731760496123");
        assertThat(indexes(school, "classes")).contains(index(false, "grade", "section"), index(false, "teacherId"));
        assertThat(indexes(school, "schedules"))
                .contains(index(false, "teacherId", "day"), index(false, "classId", "day"));
        assertThat(indexes(school, "messages"))
                .contains(index(false, "senderId", "receiverId"), index(true, "timestamp"));
        // the seed embedded submissions in assignments; here they are a collection each student reaches alone
        assertThat(school.collection("submissions")
                        .orElseThrow()
                        .schema()
                        .orElseThrow()
                        .at("/properties/status/enum"))
                .hasSize(3);
        assertThat(school.role("student").orElseThrow().rule("submissions").readableBy())
                .containsExactly("studentId");
    }

    @Test
    void usersAreNeverACollectionButCoreTables() {
        assertThat(CATALOG.all())
                .allSatisfy(template ->
                        assertThat(template.collections().keySet()).noneMatch(name -> name.contains("user")));
        ServiceTemplate core = CATALOG.core();
        assertThat(core.collections()).containsOnlyKeys("settings");
        assertThat(core.roles()).containsOnlyKeys("member", "admin");
        String sql = ((Operation.Sql) core.migrations().getFirst().operations().getFirst()).statement();
        assertThat(sql)
                .contains(
                        "CREATE TABLE users (",
                        "CREATE TABLE memberships (",
                        "CREATE TABLE outbox (",
                        "CREATE UNIQUE INDEX users_email_key ON users (email) WHERE email IS NOT NULL",
                        "CREATE UNIQUE INDEX users_username_key ON users (username) WHERE username IS NOT NULL");
    }

    @Test
    void newMembersGetTheLeastPrivilegedRole() {
        assertThat(CATALOG.all()).allSatisfy(template -> {
            RoleSpec first = template.role(template.defaultRole()).orElseThrow();
            assertThat(first.write())
                    .as(template.service() + " role " + first.name())
                    .doesNotContain(RoleSpec.ALL);
        });
    }

    private static String name(ServiceTemplate template) {
        return DatabaseNamer.standard().name(template.databaseNamePattern(), template.service(), TECHCORP);
    }

    private static List<IndexSpec> indexes(ServiceTemplate template, String collection) {
        return template.collection(collection).orElseThrow().indexes();
    }

    private static IndexSpec index(boolean descending, String... fields) {
        return new IndexSpec(Arrays.stream(fields).map(FieldPath::parse).toList(), descending);
    }
}
