package io.silo.postgres.jdbc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Rewrites the database part of a {@code jdbc:postgresql://} URL, keeping host, port and parameters. */
public final class JdbcUrls {
    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?");

    private JdbcUrls() {}

    public static String withDatabase(String url, String database) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + url);
        }
        return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
    }

    public static String database(String url) {
        Matcher m = URL.matcher(url);
        if (!m.matches() || m.group(2) == null || m.group(2).length() < 2) {
            return "postgres";
        }
        return m.group(2).substring(1);
    }

    /** The URL without credentials or parameters, safe to log. */
    public static String redacted(String url) {
        Matcher m = URL.matcher(url);
        return m.matches() ? m.group(1) + (m.group(2) == null ? "" : m.group(2)) : "(invalid url)";
    }
}
