package io.silo.app.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.app.session.Principal;
import io.silo.error.SiloException;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Quotas;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The decisions of {@link Access} against the shipped templates' roles. */
class AccessTest {
    private static final Access ACCESS = new Access(TemplateCatalog.builtIn());
    private static final UUID TENANT = UUID.randomUUID();

    private static Principal.Member member(Map<String, String> roles) {
        return new Principal.Member(UUID.randomUUID(), TENANT, "acme", Optional.empty(), roles);
    }

    private static Tenant tenant(String... services) {
        List<TenantDatabase> databases = java.util.stream.Stream.concat(
                        java.util.stream.Stream.of("core"), java.util.Arrays.stream(services))
                .map(service -> new TenantDatabase(
                        service, "primary", service + "_acme", 1, 1, DatabaseState.READY, Optional.empty()))
                .toList();
        return new Tenant(
                TENANT,
                "acme",
                "Acme",
                Optional.empty(),
                TenantStatus.ACTIVE,
                Optional.empty(),
                Optional.empty(),
                Quotas.none(),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                Instant.EPOCH,
                Instant.EPOCH,
                databases,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    private static String refusal(Runnable check) {
        try {
            check.run();
        } catch (SiloException e) {
            return e.type();
        }
        return "allowed";
    }

    @Test
    void cashierMayWriteSalesAndReadsWhatItWritesButNotTheManagersCollections() {
        Principal.Member cashier = member(Map.of("core", "member", "pos", "cashier"));

        assertThat(refusal(() -> Access.checkWrite(ACCESS.requireService(cashier, "pos"), "pos", "sales")))
                .isEqualTo("allowed");
        assertThat(refusal(() -> Access.checkRead(ACCESS.requireService(cashier, "pos"), "pos", "sales")))
                .isEqualTo("allowed");
        // products are writable, but the template's rule lets a cashier change only their stock (PosSaleTest)
        assertThat(refusal(() -> Access.checkWrite(ACCESS.requireService(cashier, "pos"), "pos", "products")))
                .isEqualTo("allowed");
        Principal.Member student = member(Map.of("core", "member", "school", "student"));
        assertThat(refusal(() -> Access.checkWrite(ACCESS.requireService(student, "school"), "school", "classes")))
                .isEqualTo("collection-forbidden");
    }

    @Test
    void membersMayBeListedByAdministratorsAndByRolesWhoseTemplateSaysSo() {
        assertThat(refusal(() -> ACCESS.checkMemberList(member(Map.of("core", "admin")))))
                .isEqualTo("allowed");
        assertThat(refusal(() -> ACCESS.checkMemberList(member(Map.of("core", "member", "pingora", "user")))))
                .isEqualTo("allowed");
        assertThat(refusal(() ->
                        ACCESS.checkMemberList(member(Map.of("core", "member", "crm", "user", "pingora", "user")))))
                .as("one role that may is enough")
                .isEqualTo("allowed");
        assertThat(refusal(() -> ACCESS.checkMemberList(member(Map.of("core", "member", "crm", "user")))))
                .isEqualTo("member-list-forbidden");
        assertThat(refusal(() -> ACCESS.checkMemberList(member(Map.of("core", "member", "pingora", "retired-role")))))
                .as("a role the template no longer declares grants nothing")
                .isEqualTo("member-list-forbidden");
    }

    @Test
    void serviceWithoutARoleIsNotGranted() {
        Principal.Member crmUser = member(Map.of("core", "member", "crm", "user"));

        assertThat(refusal(() -> Access.checkRead(ACCESS.requireService(crmUser, "billing"), "billing", "invoices")))
                .isEqualTo("service-not-granted");
        assertThat(refusal(() -> Access.checkRead(
                        ACCESS.requireService(member(Map.of("billing", "retired-role")), "billing"),
                        "billing",
                        "invoices")))
                .as("a role the template no longer declares grants nothing")
                .isEqualTo("service-not-granted");
    }

    @Test
    void whoTheCallerIsIsCheckedBeforeAnything() {
        Principal admin = new Principal.PlatformAdmin(UUID.randomUUID(), "ops@silo.example");
        Principal.Member orgAdmin = member(Map.of("core", "admin"));

        assertThat(refusal(() -> Access.requireOrgAdmin(admin))).isEqualTo("member-required");
        assertThat(refusal(() -> Access.requireOrgAdmin(member(Map.of("core", "member")))))
                .isEqualTo("org-admin-required");
        assertThat(Access.requireOrgAdmin(orgAdmin)).isSameAs(orgAdmin);
        assertThat(refusal(() -> Access.requirePlatformAdmin(orgAdmin))).isEqualTo("platform-admin-required");
    }

    @Test
    void assignableRolesComeFromTheTemplatesOfTheOrganizationsServices() {
        Tenant tenant = tenant("billing", "school");

        assertThat(ACCESS.checkAssignable(
                        tenant, Map.of("billing", Optional.empty(), "school", Optional.of("teacher"))))
                .containsEntry("billing", "user")
                .containsEntry("school", "teacher");
        assertThatThrownBy(() -> ACCESS.checkAssignable(tenant, Map.of("crm", Optional.of("user"))))
                .extracting(e -> ((SiloException) e).type())
                .isEqualTo("service-not-enabled");
        assertThatThrownBy(() -> ACCESS.checkAssignable(tenant, Map.of("nosuch", Optional.of("user"))))
                .extracting(e -> ((SiloException) e).type())
                .isEqualTo("unknown-service");
        assertThatThrownBy(() -> ACCESS.checkAssignable(tenant, Map.of("core", Optional.of("root"))))
                .extracting(e -> ((SiloException) e).type())
                .isEqualTo("unknown-role");
    }

    @Test
    void usableServicesLeaveOutCoreAndServicesTheOrganizationLacks() {
        assertThat(ACCESS.services(
                        tenant("billing", "crm"), Map.of("core", "admin", "billing", "manager", "pingora", "user")))
                .containsExactly("billing");
    }
}
