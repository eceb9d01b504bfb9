package io.silo.app;

import io.silo.app.admin.PlatformAdmins;
import io.silo.app.admin.SecondFactors;
import io.silo.cluster.Cluster;
import io.silo.config.SiloConfig;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.PasswordPolicy;
import io.silo.crypto.SecretBox;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.control.ControlDatabase;
import io.silo.postgres.control.MasterKeyCheck;
import io.silo.postgres.control.PlatformAdminStore;
import io.silo.postgres.control.RefreshTokenStore;
import io.silo.postgres.control.ReleasedSteps;
import io.silo.postgres.control.SigningKeyStore;
import io.silo.postgres.control.SignupStore;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.embedded.EmbeddedServer;
import io.silo.postgres.identity.DirectoryStore;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.jdbc.JdbcUrls;
import java.time.Clock;
import java.util.Map;

/**
 * The first phase of start-up: the control database (embedded or external), checked against the
 * master key, the clusters registered, the first platform administrator, and the stores every
 * later part reads.
 */
record ControlPlane(
        ControlDatabase database,
        Jdbc jdbc,
        SecretBox secrets,
        ClusterStore clusters,
        ClusterAdmins admins,
        TenantStore tenants,
        AuditLog audit,
        RefreshTokenStore refreshTokens,
        DirectoryStore directory,
        SigningKeyStore signingKeys,
        SignupStore signups,
        PasswordHasher hasher,
        PlatformAdminStore platformAdminStore,
        PlatformAdmins platformAdmins,
        ReleasedSteps releasedSteps) {

    static ControlPlane open(SiloConfig config, Clock clock, Shutdown shutdown) {
        SecretBox secrets = SecretBox.of(MasterKeys.load(config), MasterKeys.previous(config));
        SiloConfig.Database connection = config.database().orElseGet(() -> embedded(config, shutdown));
        ControlDatabase database = shutdown.register(
                "control database",
                ControlDatabase.open(connection.url(), connection.user(), connection.password(), 10));
        Jdbc jdbc = database.jdbc();
        MasterKeyCheck.verify(jdbc, secrets);
        ClusterStore clusters = new ClusterStore(jdbc, secrets);
        registerClusters(config, connection, clusters);
        PasswordHasher hasher = PasswordHasher.argon2id(
                config.passwords().memoryKib(),
                config.passwords().iterations(),
                config.passwords().parallelism(),
                config.passwords().concurrency(),
                new PasswordPolicy(config.passwords().minLength()));
        PlatformAdminStore platformAdminStore = new PlatformAdminStore(jdbc);
        PlatformAdmins platformAdmins = new PlatformAdmins(
                platformAdminStore,
                hasher,
                new SecondFactors(platformAdminStore, secrets, config.tokens().issuer(), clock),
                config.admin(),
                clock);
        platformAdmins.bootstrap(config.admin());
        return new ControlPlane(
                database,
                jdbc,
                secrets,
                clusters,
                shutdown.register(
                        "cluster administration",
                        new ClusterAdmins(clusters, config.jobs().statementTimeout())),
                new TenantStore(jdbc, secrets),
                new AuditLog(jdbc),
                new RefreshTokenStore(jdbc),
                new DirectoryStore(jdbc),
                new SigningKeyStore(jdbc, secrets),
                new SignupStore(jdbc),
                hasher,
                platformAdminStore,
                platformAdmins,
                new ReleasedSteps(jdbc));
    }

    static SiloConfig.Database embedded(SiloConfig config, Shutdown shutdown) {
        SiloConfig.Embedded settings = config.embedded();
        EmbeddedServer server = shutdown.register(
                "embedded PostgreSQL",
                EmbeddedServer.start(
                        config.dataDir().resolve("postgres"),
                        settings.port(),
                        settings.fsync(),
                        settings.maxConnections()));
        return new SiloConfig.Database(server.jdbcUrl("silo"), server.user(), server.password());
    }

    private static void registerClusters(SiloConfig config, SiloConfig.Database database, ClusterStore clusters) {
        clusters.upsert(new Cluster(
                SiloConfig.PRIMARY_CLUSTER,
                JdbcUrls.withDatabase(database.url(), "postgres"),
                database.user(),
                database.password(),
                Map.of(),
                5000,
                config.pools().defaultBudget(),
                true,
                "active"));
        for (SiloConfig.Cluster cluster : config.clusters()) {
            clusters.upsert(new Cluster(
                    cluster.id(),
                    cluster.url(),
                    cluster.user(),
                    cluster.password(),
                    cluster.labels(),
                    cluster.capacity(),
                    cluster.connectionBudget(),
                    false,
                    "active"));
        }
    }
}
