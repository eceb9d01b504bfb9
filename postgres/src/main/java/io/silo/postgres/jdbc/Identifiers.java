package io.silo.postgres.jdbc;

/**
 * Quotes names and text for the SQL that cannot take bind parameters (DDL, {@code COPY}, role and database
 * statements). Thread-safe: static functions only.
 */
public final class Identifiers {
    private Identifiers() {}

    /**
     * A double-quoted identifier: embedded double quotes are doubled, so any name, even one with quotes or
     * upper case, stays one identifier.
     */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /**
     * A single-quoted string literal: embedded single quotes are doubled. Relies on
     * {@code standard_conforming_strings} being on (the PostgreSQL default), so backslashes are plain characters.
     */
    public static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
