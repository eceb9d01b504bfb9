package io.silo.postgres.schema;

/**
 * What {@link SchemaApplier#apply} did to one database.
 *
 * @param database the database's name
 * @param service the template's service
 * @param fromVersion the version recorded before; 0 for an empty database
 * @param toVersion the version recorded after
 */
public record SchemaChange(String database, String service, int fromVersion, int toVersion) {

    /** Whether anything was applied; applying a template a second time changes nothing. */
    public boolean changed() {
        return fromVersion != toVersion;
    }
}
