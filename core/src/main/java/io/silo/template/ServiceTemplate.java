package io.silo.template;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A service: what one (tenant, service) database holds and who may do what in it. Read from
 * {@code services/<service>.yaml} and validated by {@link TemplateLoader}; all of them are held by
 * {@link TemplateCatalog}.
 *
 * <p>Immutable and thread-safe, but for the JSON Schema trees of its collections, which nobody may
 * change.
 *
 * @param service the service name, e.g. {@code billing}; lower case, letters, digits and {@code _}
 * @param version the schema version: the highest migration version
 * @param description one line for people
 * @param databaseNamePattern how this service's databases are named, e.g. {@code {service}_{name}}
 * @param roles role name to what it may read and write, least privileged first: the first is the default
 *              for new members
 * @param adminRole the role the organization's first administrator gets: the template's {@code adminRole},
 *              else the last declared, the most privileged
 * @param collections collection name to its specification, in declaration order
 * @param migrations ordered steps, versions 1..{@code version}
 * @param checksum a digest of the whole template, so a changed template is never mistaken for the old one
 */
public record ServiceTemplate(
        String service,
        int version,
        String description,
        String databaseNamePattern,
        Map<String, RoleSpec> roles,
        String adminRole,
        Map<String, CollectionSpec> collections,
        List<Migration> migrations,
        String checksum) {

    /** The reserved service every tenant has: users, credentials, memberships, activity log, settings. */
    public static final String CORE = "core";

    public ServiceTemplate {
        roles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(roles));
        collections = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(collections));
        migrations = List.copyOf(migrations);
    }

    /** The collection called {@code name}, if the service declares one. */
    public Optional<CollectionSpec> collection(String name) {
        return Optional.ofNullable(collections.get(name));
    }

    /** The role called {@code name}, if the service declares one. */
    public Optional<RoleSpec> role(String name) {
        return Optional.ofNullable(roles.get(name));
    }

    /** The role a member gets when none is named: the first declared. */
    public String defaultRole() {
        return roles.keySet().iterator().next();
    }

    /** Whether this is the {@link #CORE} service. */
    public boolean isCore() {
        return CORE.equals(service);
    }
}
