package io.silo.app.organization;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A new organization, as any client asks for it (the HTTP API, the CLI, a verified sign-up, an
 * import): what {@link Organizations#create} checks and provisions. Values arrive unchecked; the
 * checks, with errors naming the field, are {@link Organizations}'.
 *
 * @param name shown to people; blank is refused
 * @param slug URL-safe name; derived from {@code name} when empty
 * @param services the services besides core; at least one
 * @param quotas limits such as {@code maxUsers}
 * @param cluster place it on this cluster; else the least loaded one matching {@code labels}
 * @param corsOrigins the origins of its own browser front ends, as browsers send them
 * @param admin the first administrator; refused when empty
 * @param databaseNames database names chosen by a platform administrator, by service, instead of
 *                      the names the templates' patterns give; the services not named keep theirs
 * @param externalId the organization's id in another system ({@code org_techcorp_001}), if any
 * @param placement where some of its services' databases go, by service: a cluster or labels,
 *                  instead of {@code cluster} and {@code labels} and the deployment's defaults
 */
public record NewOrganization(
        String name,
        Optional<String> slug,
        Optional<String> businessType,
        List<String> services,
        Optional<String> license,
        Map<String, Object> quotas,
        List<String> features,
        Optional<String> cluster,
        Map<String, String> labels,
        Optional<ContactDetails> adminContact,
        Optional<ContactDetails> billingContact,
        Optional<String> notes,
        List<String> corsOrigins,
        Optional<FirstAdmin> admin,
        Map<String, String> databaseNames,
        Optional<String> externalId,
        Map<String, Placement> placement) {

    public NewOrganization {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(businessType, "businessType");
        services = copy(Objects.requireNonNull(services, "services"));
        Objects.requireNonNull(license, "license");
        quotas = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(quotas, "quotas")));
        features = copy(Objects.requireNonNull(features, "features"));
        Objects.requireNonNull(cluster, "cluster");
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(labels, "labels")));
        Objects.requireNonNull(adminContact, "adminContact");
        Objects.requireNonNull(billingContact, "billingContact");
        Objects.requireNonNull(notes, "notes");
        corsOrigins = copy(Objects.requireNonNull(corsOrigins, "corsOrigins"));
        Objects.requireNonNull(admin, "admin");
        databaseNames = Collections.unmodifiableMap(
                new LinkedHashMap<>(Objects.requireNonNull(databaseNames, "databaseNames")));
        Objects.requireNonNull(externalId, "externalId");
        placement = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(placement, "placement")));
    }

    /** Where one service's database goes, as asked: a cluster or labels (both is refused by the checks). */
    public record Placement(Optional<String> cluster, Map<String, String> labels) {
        public Placement {
            Objects.requireNonNull(cluster, "cluster");
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(labels, "labels")));
        }
    }

    /** An organization named {@code name} with {@code services} and its first administrator; the rest empty. */
    public static Builder builder(String name, List<String> services, FirstAdmin admin) {
        return new Builder(name, services, admin);
    }

    /**
     * The organization's first administrator: an email, a username, or both. The password is as typed;
     * a verified sign-up brings a hash instead (see {@link Organizations#createWithHashedPassword}).
     */
    public record FirstAdmin(Optional<String> email, Optional<String> username, String name, String password) {
        public FirstAdmin {
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "FirstAdmin[" + email.orElse("") + " " + username.orElse("") + "]";
        }
    }

    /** A person to contact about the organization. */
    public record ContactDetails(String email, Optional<String> name, Optional<String> phone) {
        public ContactDetails {
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(phone, "phone");
        }
    }

    /** Lists from JSON may hold nulls; they are kept, for the checks to name them. */
    private static <T> List<T> copy(List<T> list) {
        return Collections.unmodifiableList(new ArrayList<>(list));
    }

    /** Builds a {@link NewOrganization}; every optional part starts empty. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final List<String> services;
        private final FirstAdmin admin;
        private Optional<String> slug = Optional.empty();
        private Optional<String> businessType = Optional.empty();
        private Optional<String> license = Optional.empty();
        private Map<String, Object> quotas = Map.of();
        private List<String> features = List.of();
        private Optional<String> cluster = Optional.empty();
        private Map<String, String> labels = Map.of();
        private Optional<String> notes = Optional.empty();
        private List<String> corsOrigins = List.of();
        private Map<String, String> databaseNames = Map.of();
        private Optional<String> externalId = Optional.empty();
        private Map<String, Placement> placement = Map.of();

        private Builder(String name, List<String> services, FirstAdmin admin) {
            this.name = name;
            this.services = services;
            this.admin = admin;
        }

        public Builder slug(Optional<String> value) {
            slug = value;
            return this;
        }

        public Builder businessType(Optional<String> value) {
            businessType = value;
            return this;
        }

        public Builder license(Optional<String> value) {
            license = value;
            return this;
        }

        public Builder quotas(Map<String, Object> value) {
            quotas = value;
            return this;
        }

        public Builder features(List<String> value) {
            features = value;
            return this;
        }

        public Builder cluster(Optional<String> value) {
            cluster = value;
            return this;
        }

        public Builder labels(Map<String, String> value) {
            labels = value;
            return this;
        }

        public Builder notes(Optional<String> value) {
            notes = value;
            return this;
        }

        public Builder corsOrigins(List<String> value) {
            corsOrigins = value;
            return this;
        }

        public Builder databaseNames(Map<String, String> value) {
            databaseNames = value;
            return this;
        }

        public Builder externalId(Optional<String> value) {
            externalId = value;
            return this;
        }

        public Builder placement(Map<String, Placement> value) {
            placement = value;
            return this;
        }

        public NewOrganization build() {
            return new NewOrganization(
                    name,
                    slug,
                    businessType,
                    services,
                    license,
                    quotas,
                    features,
                    cluster,
                    labels,
                    Optional.empty(),
                    Optional.empty(),
                    notes,
                    corsOrigins,
                    Optional.of(admin),
                    databaseNames,
                    externalId,
                    placement);
        }
    }
}
