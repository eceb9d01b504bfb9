package io.silo.postgres.placement;

import io.silo.crypto.SecretBox;
import io.silo.crypto.Secrets;
import io.silo.postgres.control.ControlDatabase;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.testing.TestPostgres;
import java.util.UUID;

/** A control database of its own, migrated, with one cluster row: enough to place tenants. */
public final class ControlPlane implements AutoCloseable {
    private final String database;
    private final ControlDatabase control;
    private final SecretBox secrets = SecretBox.of(Secrets.bytes(32));
    private final TestPostgres server;

    private ControlPlane(TestPostgres server, String database, ControlDatabase control) {
        this.server = server;
        this.database = database;
        this.control = control;
    }

    /** A fresh control database on {@code server}, with the cluster {@code clusterId} pointing at that server. */
    public static ControlPlane create(TestPostgres server, String clusterId) {
        String database = server.createDatabase("control");
        ControlPlane plane = new ControlPlane(
                server, database, ControlDatabase.open(server.url(database), server.user(), server.password(), 4));
        plane.jdbc()
                .update("""
                INSERT INTO clusters (id, jdbc_url, admin_user, admin_password, capacity, connection_budget, is_control)
                VALUES (?, ?, ?, ?, 100, 10, true)
                """, clusterId, server.url("postgres"), server.user(), plane.secrets.seal(server.password()));
        return plane;
    }

    public ControlDatabase control() {
        return control;
    }

    public Jdbc jdbc() {
        return control.jdbc();
    }

    public SecretBox secrets() {
        return secrets;
    }

    /** The name of the control database, e.g. to find its sessions in {@code pg_stat_activity}. */
    public String database() {
        return database;
    }

    /** Plain JDBC on the control database as the superuser, outside Silo's pool. */
    public Jdbc superuser() {
        return server.jdbc(database);
    }

    /** Inserts an active tenant with its role's password sealed, and returns its id. */
    public UUID tenant(String slug, String role, String password) {
        UUID id = UUID.randomUUID();
        jdbc().update("""
                INSERT INTO tenants (id, slug, name, business_type, status, db_role, db_role_password, created_at, updated_at)
                VALUES (?, ?, ?, 'retail', 'active', ?, ?, now(), now())
                """, id, slug, "Tenant " + slug, role, secrets.seal(password));
        return id;
    }

    /** Places one database of the tenant, ready. */
    public void database(UUID tenantId, String service, String clusterId, String database) {
        jdbc().update("""
                INSERT INTO tenant_databases (tenant_id, service, cluster_id, database_name, template_version, schema_version, state)
                VALUES (?, ?, ?, ?, 1, 3, 'ready')
                """, tenantId, service, clusterId, database);
    }

    /** Changes a tenant without the triggers firing: the change nobody is told about. */
    public void updateSilently(String sql, Object... params) {
        superuser().withHandle(handle -> {
            handle.execute("SET session_replication_role = replica");
            return handle.update(sql, params);
        });
    }

    @Override
    public void close() {
        control.close();
    }
}
