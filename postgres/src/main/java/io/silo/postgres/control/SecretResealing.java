package io.silo.postgres.control;

import io.silo.crypto.SecretBox;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The second half of a master-key rotation: every secret stored sealed in the control database
 * that the previous key sealed is sealed again under the current one, in one transaction, so a
 * crash leaves either every secret or none re-sealed and running it again finishes the work.
 * Afterwards the previous key may be forgotten ({@code docs/operations.md}, "Rotating the master
 * key").
 *
 * <p>The sealed columns are listed here, one place to extend when a table gains one; a value the
 * current key sealed already is left as it is, so a second run changes nothing.
 */
public final class SecretResealing {
    /** A table's sealed column and the column that names its rows. */
    private record Sealed(String table, String id, String column, String where) {}

    private static final List<Sealed> SEALED = List.of(
            new Sealed("control_settings", "key", "value", "key = 'master_key_check'"),
            new Sealed("clusters", "id", "admin_password", "true"),
            new Sealed("clusters", "id", "admin_password_next", "admin_password_next IS NOT NULL"),
            new Sealed("tenants", "id", "db_role_password", "true"),
            new Sealed("tenants", "id", "db_role_password_next", "db_role_password_next IS NOT NULL"),
            new Sealed("signing_keys", "kid", "private_key", "true"),
            new Sealed("platform_admins", "id", "totp_secret", "totp_secret IS NOT NULL"));

    private SecretResealing() {}

    /**
     * Re-seals what the previous key sealed; returns how many values were re-sealed per table (a
     * provisioning job's sealed first-administrator hash counts under {@code jobs}). Fails, changing
     * nothing, when a value neither key opens.
     */
    public static Map<String, Integer> run(Jdbc control, SecretBox secrets) {
        return control.inTransaction(handle -> {
            Map<String, Integer> resealed = new LinkedHashMap<>();
            for (Sealed sealed : SEALED) {
                resealed.merge(sealed.table(), reseal(handle, secrets, sealed), Integer::sum);
            }
            resealed.put("jobs", resealJobPayloads(handle, secrets));
            return resealed;
        });
    }

    private static int reseal(Handle handle, SecretBox secrets, Sealed sealed) {
        record Row(String id, String value) {}
        List<Row> rows = handle.query(
                "SELECT " + sealed.id() + "::text, " + sealed.column() + " FROM " + sealed.table() + " WHERE "
                        + sealed.where() + " FOR UPDATE",
                row -> new Row(row.getString(1), row.getString(2)));
        int count = 0;
        for (Row row : rows) {
            Optional<String> again = secrets.resealed(row.value());
            if (again.isPresent()) {
                handle.update(
                        "UPDATE " + sealed.table() + " SET " + sealed.column() + " = ? WHERE " + sealed.id()
                                + "::text = ?",
                        again.get(),
                        row.id());
                count++;
            }
        }
        return count;
    }

    /** Provisioning jobs keep the first administrator's password hash sealed until they end. */
    private static int resealJobPayloads(Handle handle, SecretBox secrets) {
        record Row(String id, String value) {}
        List<Row> rows = handle.query(
                "SELECT id::text, payload->>'passwordHash' FROM jobs WHERE payload->>'passwordHash' IS NOT NULL FOR UPDATE",
                row -> new Row(row.getString(1), row.getString(2)));
        int count = 0;
        for (Row row : rows) {
            Optional<String> again = secrets.resealed(row.value());
            if (again.isPresent()) {
                handle.update(
                        "UPDATE jobs SET payload = jsonb_set(payload, '{passwordHash}', to_jsonb(?::text)) "
                                + "WHERE id = ?::uuid",
                        again.get(),
                        row.id());
                count++;
            }
        }
        return count;
    }
}
