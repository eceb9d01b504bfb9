package io.silo.cluster;

import java.util.Map;

/**
 * A PostgreSQL server that hosts tenant databases.
 *
 * @param id short stable name
 * @param url JDBC URL of its maintenance database
 * @param user an administrative role that may create databases and roles
 * @param password that role's password; never printed by {@link #toString()}
 * @param labels free-form placement labels, e.g. {@code region: eu}
 * @param capacity the most tenant databases placed on it
 * @param connectionBudget the most server connections Silo opens to it
 * @param control whether the control database lives here
 * @param status {@code active}, {@code draining} (no new tenants) or {@code disabled}
 */
public record Cluster(
        String id,
        String url,
        String user,
        String password,
        Map<String, String> labels,
        int capacity,
        int connectionBudget,
        boolean control,
        String status) {

    public Cluster {
        labels = Map.copyOf(labels);
    }

    public boolean acceptsNewTenants() {
        return "active".equals(status);
    }

    @Override
    public String toString() {
        return "Cluster[" + id + " " + url + " as " + user + ", labels=" + labels + ", budget=" + connectionBudget
                + "]";
    }
}
