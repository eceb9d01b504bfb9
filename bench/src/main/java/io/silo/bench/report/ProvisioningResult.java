package io.silo.bench.report;

import io.silo.bench.setup.Timings;

/**
 * Provisioning, next to what PostgreSQL alone takes.
 *
 * @param databasesPerTenant {@code core} and the run's services
 * @param firstTenantMillis the first tenant, which also built the template databases; not in {@code perTenant}
 * @param perTenant every other tenant, from the request until it was active
 * @param concurrency tenants created at once
 * @param seconds wall time of {@code perTenant}
 * @param raw {@code CREATE DATABASE … TEMPLATE} per database, in rounds among the tenants
 * @param hash one argon2id hash with Silo's parameters
 */
public record ProvisioningResult(
        int databasesPerTenant,
        double firstTenantMillis,
        Timings perTenant,
        int concurrency,
        double seconds,
        Timings raw,
        Timings hash) {

    public double tenantsPerSecond() {
        return perTenant.count() / seconds;
    }

    /** Silo's median per database, with the password hash set aside. */
    public double siloPerDatabase() {
        return (perTenant.median() - hash.median()) / databasesPerTenant;
    }

    /** Silo's cost per database over the raw one: the bar is 1.5. */
    public double ratio() {
        return siloPerDatabase() / raw.median();
    }
}
