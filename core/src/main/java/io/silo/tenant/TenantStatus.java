package io.silo.tenant;

import java.util.Locale;

/** Where a tenant is in its life. Only {@link #ACTIVE} tenants may sign in and be read. */
public enum TenantStatus {
    /** Its databases are being created. */
    PROVISIONING,
    /** Every database is ready. */
    ACTIVE,
    /** Kept, but nobody may sign in or read its data. */
    SUSPENDED,
    /** Provisioning gave up; the reason is kept. Delete it to clean up. */
    FAILED,
    /** Its databases and role are being dropped. */
    DELETING;

    /** The lower-case form stored and shown. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TenantStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
