package io.silo.tenant;

import java.util.Optional;

/**
 * The database of one (tenant, service) pair and where it lives.
 *
 * @param templateVersion the template version it was created for
 * @param schemaVersion the version its schema is at now
 */
public record TenantDatabase(
        String service,
        String clusterId,
        String databaseName,
        int templateVersion,
        int schemaVersion,
        DatabaseState state,
        Optional<String> error) {}
