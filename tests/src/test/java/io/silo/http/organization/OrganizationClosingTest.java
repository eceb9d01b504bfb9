package io.silo.http.organization;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An organization's administrator closes their own organization with its slug typed out: it is
 * suspended at once and recorded in the master audit log, restorable by a platform administrator
 * until its grace ends, and deleted by housekeeping after.
 */
@SiloTest
class OrganizationClosingTest {
    private static final String PASSWORD = TestTenants.PASSWORD;

    @Test
    void anAdministratorClosesTheirOrganizationAndAPlatformAdministratorRestoresIt(
            TestSilo silo, SiloClient anonymous) {
        TestTenant school = TestTenants.create(anonymous, "Closing School", List.of("crm"));
        SiloClient admin = school.client();
        String contact = admin.post("/api/data/crm/contacts", Map.of("name", "Kept"))
                .json()
                .path("_id")
                .asString();
        TestTenants.addMember(school, "teacher@closing.example", Map.of("crm", "user"));
        SiloClient teacher = TestTenants.signIn(anonymous, school.slug(), "teacher@closing.example", PASSWORD);

        assertThat(teacher.delete("/api/organization?confirm=" + school.slug()).problemType())
                .isEqualTo("org-admin-required");
        SiloClient.Response mistyped = admin.delete("/api/organization?confirm=closing");
        assertThat(mistyped.status()).isEqualTo(400);
        assertThat(mistyped.problemType()).isEqualTo("confirmation-mismatch");
        assertThat(admin.delete("/api/organization").problemType()).isEqualTo("confirmation-mismatch");

        SiloClient.Response closed = admin.delete("/api/organization?confirm=" + school.slug());
        assertThat(closed.status()).as(closed.text()).isEqualTo(200);
        assertThat(closed.json().path("status").asString()).isEqualTo("suspended");
        assertThat(closed.json().path("deleteAfter").asString()).isNotEmpty();

        SiloClient.Response signIn = anonymous.post(
                "/api/auth/login",
                Map.of("organization", school.slug(), "email", school.adminEmail(), "password", PASSWORD));
        assertThat(signIn.problemType()).isEqualTo("organization-suspended");
        assertThat(admin.get("/api/data/crm/contacts").status()).isEqualTo(403);
        assertThat(silo.control()
                        .query(
                                "SELECT action FROM audit_log WHERE tenant_id = ?::uuid AND action = 'tenant.close'",
                                row -> row.getString(1),
                                school.id()))
                .hasSize(1);

        SiloClient platformAdmin = anonymous.asAdmin();
        assertThat(platformAdmin
                        .get("/api/organizations/" + school.slug())
                        .json()
                        .has("deleteAfter"))
                .isTrue();
        assertThat(platformAdmin
                        .post("/api/organizations/" + school.slug() + "/activate", Map.of())
                        .status())
                .isEqualTo(200);
        assertThat(platformAdmin
                        .get("/api/organizations/" + school.slug())
                        .json()
                        .has("deleteAfter"))
                .as("restored: nothing is deleted any more")
                .isFalse();
        SiloClient back = TestTenants.signIn(anonymous, school.slug(), school.adminEmail(), PASSWORD);
        assertThat(back.get("/api/data/crm/contacts/" + contact)
                        .json()
                        .path("name")
                        .asString())
                .isEqualTo("Kept");
        assertThat(silo.silo().application().organizations().deleteClosed())
                .as("a restored organization is not deleted")
                .isZero();
    }

    @Test
    void aClosedOrganizationIsDeletedOnceItsGraceHasPassed(TestSilo silo, SiloClient anonymous) {
        TestTenant shop = TestTenants.create(anonymous, "Gone Shop", List.of("crm"));
        assertThat(shop.client()
                        .delete("/api/organization?confirm=" + shop.slug())
                        .status())
                .isEqualTo(200);
        assertThat(silo.silo().application().organizations().deleteClosed())
                .as("the grace has not passed")
                .isZero();

        silo.control()
                .update("UPDATE tenants SET delete_after = now() - interval '1 minute' WHERE id = ?::uuid", shop.id());

        assertThat(silo.silo().application().organizations().deleteClosed()).isEqualTo(1);
        SiloClient platformAdmin = anonymous.asAdmin();
        io.silo.testing.Eventually.until(
                shop.slug() + " deleted",
                () -> "organization-not-found"
                        .equals(platformAdmin
                                .get("/api/organizations/" + shop.slug())
                                .problemType()));
        assertThat(silo.control()
                        .query(
                                "SELECT action FROM audit_log WHERE tenant_id = ?::uuid ORDER BY id",
                                row -> row.getString(1),
                                shop.id()))
                .contains("tenant.close", "tenant.delete");
    }
}
