package io.silo.http.organization;

import io.silo.app.organization.NewOrganization;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON bodies of the organization routes, as they arrive: any field may be missing (null). */
final class OrganizationRequests {
    private OrganizationRequests() {}

    /** {@code POST /api/organizations}. */
    record Create(
            String name,
            String slug,
            String businessType,
            List<String> services,
            String license,
            Map<String, Object> quotas,
            List<String> features,
            String cluster,
            Map<String, String> labels,
            ContactBody adminContact,
            ContactBody billingContact,
            String notes,
            List<String> corsOrigins,
            AdminBody admin,
            Map<String, String> databases,
            String externalId,
            Map<String, PlacementBody> placement) {

        /** The command, absent fields empty; {@code Organizations} checks the values. */
        NewOrganization command() {
            return new NewOrganization(
                    name == null ? "" : name,
                    Optional.ofNullable(slug),
                    Optional.ofNullable(businessType),
                    services == null ? List.of() : services,
                    Optional.ofNullable(license),
                    quotas == null ? Map.of() : quotas,
                    features == null ? List.of() : features,
                    Optional.ofNullable(cluster),
                    labels == null ? Map.of() : labels,
                    Optional.ofNullable(adminContact).map(ContactBody::details),
                    Optional.ofNullable(billingContact).map(ContactBody::details),
                    Optional.ofNullable(notes),
                    corsOrigins == null ? List.of() : corsOrigins,
                    Optional.ofNullable(admin).map(AdminBody::firstAdmin),
                    databases == null ? Map.of() : databases,
                    Optional.ofNullable(externalId),
                    placement == null ? Map.of() : placements(placement));
        }

        private static Map<String, NewOrganization.Placement> placements(Map<String, PlacementBody> bodies) {
            Map<String, NewOrganization.Placement> out = new java.util.LinkedHashMap<>();
            bodies.forEach((service, body) -> out.put(
                    service,
                    body == null
                            ? new NewOrganization.Placement(Optional.empty(), Map.of())
                            : new NewOrganization.Placement(
                                    Optional.ofNullable(body.cluster()),
                                    body.labels() == null ? Map.of() : body.labels())));
            return out;
        }
    }

    /** Where one service's database goes: {@code {"cluster": "eu-2"}} or {@code {"labels": {"tier": "billing"}}}. */
    record PlacementBody(String cluster, Map<String, String> labels) {}

    /** The organization's first administrator: an email, a username, or both. */
    record AdminBody(String email, String username, String name, String password) {
        NewOrganization.FirstAdmin firstAdmin() {
            return new NewOrganization.FirstAdmin(
                    Optional.ofNullable(email),
                    Optional.ofNullable(username),
                    name == null ? "" : name,
                    password == null ? "" : password);
        }

        @Override
        public String toString() {
            return "AdminBody[" + email + " " + username + "]";
        }
    }

    record ContactBody(String email, String name, String phone) {
        NewOrganization.ContactDetails details() {
            return new NewOrganization.ContactDetails(
                    email == null ? "" : email, Optional.ofNullable(name), Optional.ofNullable(phone));
        }
    }

    /** {@code POST /api/organizations/{org}/suspend}. */
    record Suspend(String reason) {}

    /** {@code POST /api/organizations/{org}/services}: the service to add. */
    record AddService(String service) {}
}
