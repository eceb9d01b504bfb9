package io.silo.app.organization;

import java.util.List;
import java.util.Map;

/** The JSON bodies of the organization routes, as they arrive; {@link Organizations} checks them. */
public final class OrganizationRequests {
    private OrganizationRequests() {}

    /** {@code POST /api/organizations}. */
    public record Create(
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
            AdminBody admin) {}

    /** The organization's first administrator: an email, a username, or both. */
    public record AdminBody(String email, String username, String name, String password) {
        @Override
        public String toString() {
            return "AdminBody[" + email + " " + username + "]";
        }
    }

    public record ContactBody(String email, String name, String phone) {}

    /** {@code POST /api/organizations/{org}/suspend}. */
    public record Suspend(String reason) {}
}
