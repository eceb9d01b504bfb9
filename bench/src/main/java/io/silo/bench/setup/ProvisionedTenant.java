package io.silo.bench.setup;

import java.util.Map;
import java.util.UUID;

/**
 * An organization created for the run.
 *
 * @param index its number in the run, from 0
 * @param id its id
 * @param slug its slug, e.g. {@code bench-0042}
 * @param adminEmail the sign-in of its first administrator
 * @param databases service to database name, {@code core} included
 * @param nanos how long creating it took, from the request until it was active
 */
public record ProvisionedTenant(
        int index, UUID id, String slug, String adminEmail, Map<String, String> databases, long nanos) {
    public ProvisionedTenant {
        databases = Map.copyOf(databases);
    }

    /** The password of every user of every benchmark tenant. */
    public static final String PASSWORD = "bench password, not a secret";
}
