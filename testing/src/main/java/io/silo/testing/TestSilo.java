package io.silo.testing;

import io.silo.app.SiloOptions;
import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import io.silo.http.Silo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A Silo instance for one test class, with the configuration it was started from, so a test can
 * stop it and start another on the same control database (a restart, or a crash).
 *
 * <p>Thread-safe.
 */
public final class TestSilo implements AutoCloseable {
    public static final String ADMIN_EMAIL = "admin@silo.test";
    public static final String ADMIN_PASSWORD = "test-admin-password";

    private final SiloConfig config;
    private volatile Silo silo;

    private TestSilo(SiloConfig config, SiloOptions options) {
        this.config = config;
        this.silo = Silo.start(config, options);
    }

    /**
     * Resets the shared server(s) and starts a fresh instance with {@code clusters} clusters (up to
     * three: {@code primary}; {@code secondary}, labelled {@code zone: b}; {@code tertiary}, labelled
     * {@code zone: c}) and the configuration {@code adjust} makes of the usual one.
     */
    public static TestSilo start(int clusters, Map<String, String> overrides, UnaryOperator<SiloConfig> adjust) {
        TestPostgres.primary().reset();
        if (clusters > 1) {
            TestPostgres.secondary().reset();
        }
        if (clusters > 2) {
            TestPostgres.tertiary().reset();
        }
        return new TestSilo(adjust.apply(config(clusters, overrides)), SiloOptions.server());
    }

    /** Resets the shared server(s) and starts a fresh instance with {@code clusters} clusters. */
    public static TestSilo start(int clusters, Map<String, String> overrides) {
        return start(clusters, overrides, SiloOptions.server());
    }

    /** Resets the shared server(s) and starts a fresh instance with the given options. */
    public static TestSilo start(int clusters, Map<String, String> overrides, SiloOptions options) {
        TestPostgres primary = TestPostgres.primary();
        primary.reset();
        if (clusters > 1) {
            TestPostgres.secondary().reset();
        }
        if (clusters > 2) {
            TestPostgres.tertiary().reset();
        }
        return new TestSilo(config(clusters, overrides), options);
    }

    /** The configuration of a test instance: cheap argon2id parameters, a random master key. */
    public static SiloConfig config(int clusters, Map<String, String> overrides) {
        SiloConfig config = SiloConfig.from(ConfigSource.ofEnv(env(overrides)));
        List<SiloConfig.Cluster> more = new java.util.ArrayList<>();
        if (clusters > 1) {
            more.add(cluster("secondary", TestPostgres.secondary(), "b", config));
        }
        if (clusters > 2) {
            more.add(cluster("tertiary", TestPostgres.tertiary(), "c", config));
        }
        return more.isEmpty() ? config : config.withClusters(more);
    }

    private static SiloConfig.Cluster cluster(String id, TestPostgres server, String zone, SiloConfig config) {
        return new SiloConfig.Cluster(
                id,
                server.url("postgres"),
                server.user(),
                server.password(),
                Map.of("zone", zone),
                5000,
                config.pools().defaultBudget());
    }

    /**
     * The environment of a test instance on the primary server, as a child process would get it:
     * cheap argon2id parameters, a random master key, a fresh data directory.
     */
    public static Map<String, String> env(Map<String, String> overrides) {
        TestPostgres primary = TestPostgres.primary();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("silo-test-data-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new HashMap<>(Map.of(
                "SILO_HTTP_PORT", "0",
                "SILO_HTTP_HOST", "127.0.0.1",
                "SILO_DATA_DIR", dataDir.toString(),
                "SILO_ADMIN_EMAIL", ADMIN_EMAIL,
                "SILO_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "SILO_MASTER_KEY", Base64.getEncoder().encodeToString(io.silo.crypto.Secrets.bytes(32)),
                "SILO_DATABASE_URL", primary.url("silo"),
                "SILO_DATABASE_USER", primary.user(),
                "SILO_DATABASE_PASSWORD", primary.password()));
        // argon2id at test strength: real hashing, a fraction of production cost
        env.put("SILO_PASSWORDS_MEMORY_KIB", "4096");
        env.put("SILO_PASSWORDS_ITERATIONS", "1");
        env.put("SILO_JOBS_POLL_INTERVAL", "100ms");
        // POST /api/admin/imports reads folders inside it; a blank override turns imports over HTTP off
        Path imports = dataDir.resolve("imports");
        try {
            Files.createDirectories(imports);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.put("SILO_IMPORTS_DIR", imports.toString());
        // backups over HTTP write archives inside it with this key; blank overrides turn them off
        try {
            Path key = dataDir.resolve("backup.key");
            Files.writeString(key, io.silo.crypto.BackupKey.random().encoded());
            env.put(
                    "SILO_BACKUPS_DIR",
                    Files.createDirectories(dataDir.resolve("backups")).toString());
            env.put("SILO_BACKUPS_KEY_FILE", key.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.putAll(overrides);
        return env;
    }

    /** Starts an instance on whatever the control database holds now, without resetting anything. */
    public static TestSilo resume(SiloConfig config, SiloOptions options) {
        return new TestSilo(config, options);
    }

    public Silo silo() {
        return silo;
    }

    public SiloConfig config() {
        return config;
    }

    public URI uri() {
        return silo.uri();
    }

    /** A client for this instance's HTTP API. */
    public SiloClient client() {
        return new SiloClient(silo.uri());
    }

    /** Stops the instance and starts a new one on the same control database and data directory. */
    public void restart() {
        restart(SiloOptions.server());
    }

    /** Stops the instance and starts a new one with other options, e.g. without a test's crash hook. */
    public void restart(SiloOptions options) {
        silo.close();
        silo = Silo.start(config, options);
    }

    /** Plain JDBC on the control database, for checks. */
    public io.silo.postgres.jdbc.Jdbc control() {
        return silo.application().control().jdbc();
    }

    @Override
    public void close() {
        silo.close();
    }
}
