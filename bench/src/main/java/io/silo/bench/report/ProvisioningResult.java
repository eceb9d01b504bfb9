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
 * @param rawBefore {@code CREATE DATABASE … TEMPLATE} per database, before the tenants were created
 * @param rawAfter the same, after they were all created
 * @param hash one argon2id hash with Silo's parameters
 */
public record ProvisioningResult(int databasesPerTenant, double firstTenantMillis, Timings perTenant, int concurrency, double seconds,
                                 Timings rawBefore, Timings rawAfter, Timings hash) {

    public double tenantsPerSecond() {
        return perTenant.count() / seconds;
    }

    /** The raw cost of one database: the median of all raw creations. */
    public double rawMedian() {
        double[] all = new double[rawBefore.count() + rawAfter.count()];
        System.arraycopy(rawBefore.millis(), 0, all, 0, rawBefore.count());
        System.arraycopy(rawAfter.millis(), 0, all, rawBefore.count(), rawAfter.count());
        return new Timings(all).median();
    }

    /** Silo's median per database, with the password hash set aside. */
    public double siloPerDatabase() {
        return (perTenant.median() - hash.median()) / databasesPerTenant;
    }

    /** Silo's cost per database over the raw one: the bar is 1.5. */
    public double ratio() {
        return siloPerDatabase() / rawMedian();
    }
}
