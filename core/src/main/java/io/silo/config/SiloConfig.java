package io.silo.config;

import io.silo.crypto.PasswordHasher;
import io.silo.crypto.PasswordPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything Silo reads at start-up, validated, as immutable records. Each key, its environment
 * variable and its default are listed in {@code docs/configuration.md}.
 *
 * @param http the HTTP listener
 * @param dataDir where the embedded PostgreSQL, the generated master key and the local mailbox live
 * @param admin the first platform administrator and the rules of administrators' sign-in
 * @param masterKey base64 of the 32-byte key that seals stored secrets; generated when absent
 * @param previousMasterKey the master key before a rotation: secrets it sealed are still opened, and
 *                          {@code silo control reseal} seals them again under {@code masterKey}
 * @param database an external PostgreSQL for the control database, also the first cluster
 * @param embedded the embedded PostgreSQL used when {@code database} is absent
 * @param clusters further PostgreSQL servers for tenant databases
 * @param pools the per-tenant-database connection pools
 * @param tokens access and refresh tokens and their signing keys
 * @param passwords argon2id parameters
 * @param jobs the background job runner
 * @param servicesDir a directory of further service templates, which may also replace shipped ones but {@code core}
 * @param signup self-service sign-up of new organizations
 * @param mail how Silo sends mail: SMTP, or a local mailbox under {@code dataDir}
 * @param login throttling and lockout of member sign-in
 * @param directory the background convergence of the login directory
 * @param autovacuumTuning which servers Silo keeps {@code autovacuum_naptime} scaled to their database count on
 * @param files the files of documents: their signed URLs
 * @param retention how long activity and audit logs are kept, and how old rows are purged
 * @param serviceRemovalGrace how long the database of a service removed from an organization is kept,
 *                            detached and restorable, before it is dropped ({@code services.removalGrace})
 * @param importsDir the directory whose folders {@code POST /api/admin/imports} may import
 *                   ({@code imports.dir}); without it that route answers 409 {@code imports-not-configured}
 * @param backups where backups over HTTP and scheduled backups go, with which key ({@code backups.*})
 * @param moveSyncTimeout the longest a move waits for its copy to be made or to catch up before the step
 *     counts as failed ({@code moves.syncTimeout})
 * @param placement where each service's databases go by default ({@code placement.services})
 */
public record SiloConfig(
        Http http,
        Path dataDir,
        Admin admin,
        Optional<String> masterKey,
        Optional<String> previousMasterKey,
        Optional<Database> database,
        Embedded embedded,
        List<Cluster> clusters,
        Pools pools,
        Tokens tokens,
        Passwords passwords,
        Jobs jobs,
        Optional<Path> servicesDir,
        Signup signup,
        Mail mail,
        Login login,
        Directory directory,
        AutovacuumTuning autovacuumTuning,
        Files files,
        Retention retention,
        Duration serviceRemovalGrace,
        Optional<Path> importsDir,
        Backups backups,
        Duration moveSyncTimeout,
        Placement placement) {
    /** The id of the cluster that holds the control database; no configured cluster may take it. */
    public static final String PRIMARY_CLUSTER = "primary";

    /**
     * The servers on which Silo scales {@code autovacuum_naptime} to the number of databases: the embedded
     * one only (the default), every cluster whose administrative role may {@code ALTER SYSTEM}, or none.
     */
    public enum AutovacuumTuning {
        EMBEDDED,
        ALL,
        OFF
    }

    /**
     * The HTTP listener. Port 0 picks a free port, which tests use.
     *
     * @param maxConcurrentRequests requests served at once; any beyond is answered 503 {@code overloaded} at once
     * @param corsOrigins the origins (e.g. {@code https://app.example.com}) whose browser front ends may call the
     *                    API; {@code *} for any; empty for none
     * @param trustedProxies the peers whose forwarding header names the client; empty (the default) trusts nobody's
     * @param forwardedHeader which header the trusted proxies write; the other one is ignored, since a proxy passes
     *                        on unchanged what the client wrote in a header it does not write itself
     * @param tls the certificate to serve HTTPS with; without it, plain HTTP (behind a proxy that terminates TLS)
     * @param metricsToken the bearer token a Prometheus scraper sends to {@code /metrics}; without it, only a
     *                     platform administrator's access token reads them
     */
    public record Http(
            String host,
            int port,
            int maxConcurrentRequests,
            List<String> corsOrigins,
            List<AddressRange> trustedProxies,
            ForwardedHeader forwardedHeader,
            Optional<Tls> tls,
            Optional<String> metricsToken) {
        public Http {
            corsOrigins = List.copyOf(corsOrigins);
            trustedProxies = List.copyOf(trustedProxies);
        }

        /** A plain-HTTP listener that trusts no proxy: what tests and the CLI's own servers use. */
        public Http(String host, int port, int maxConcurrentRequests, List<String> corsOrigins) {
            this(
                    host,
                    port,
                    maxConcurrentRequests,
                    corsOrigins,
                    List.of(),
                    ForwardedHeader.X_FORWARDED_FOR,
                    Optional.empty(),
                    Optional.empty());
        }

        /** Everything but the metrics token, which is a secret. */
        @Override
        public String toString() {
            return "Http[host=" + host + ", port=" + port + ", maxConcurrentRequests=" + maxConcurrentRequests
                    + ", corsOrigins=" + corsOrigins + ", trustedProxies=" + trustedProxies + " (" + forwardedHeader
                    + "), tls=" + tls
                    + ", metricsToken=" + (metricsToken.isPresent() ? "set" : "unset") + "]";
        }
    }

    /**
     * The header a trusted proxy names the client in: {@code X-Forwarded-For} (with {@code X-Forwarded-Proto}),
     * which most proxies write, or RFC 7239's {@code Forwarded}.
     */
    public enum ForwardedHeader {
        X_FORWARDED_FOR,
        FORWARDED
    }

    /**
     * The certificate HTTPS is served with, and how often its files are checked for a new one (which is
     * then served to new connections without a restart).
     */
    public sealed interface Tls {
        /** How often the files are checked for a change. */
        Duration reloadInterval();

        /** The files whose change means a new certificate. */
        List<Path> files();

        /**
         * PEM files: the certificate chain (the server's certificate first) and its unencrypted private key
         * (PKCS#8, {@code BEGIN PRIVATE KEY}, or PKCS#1 RSA).
         */
        record Pem(Path certificate, Path privateKey, Duration reloadInterval) implements Tls {
            @Override
            public List<Path> files() {
                return List.of(certificate, privateKey);
            }
        }

        /** A PKCS#12 keystore holding one private key and its certificate chain. */
        record Keystore(Path keystore, String password, Duration reloadInterval) implements Tls {
            @Override
            public List<Path> files() {
                return List.of(keystore);
            }

            @Override
            public String toString() {
                return "Keystore[" + keystore + ", password " + (password.isEmpty() ? "empty" : "set")
                        + ", reloadInterval=" + reloadInterval + "]";
            }
        }
    }

    /**
     * Platform administrators: the first one, created at first start when no administrator exists, and
     * the rules of their sign-in.
     *
     * @param lockThreshold consecutive failed sign-ins (a wrong password or second-factor code) of one
     *                      administrator, across instances and restarts, that lock it
     * @param lockDuration how long such a lock lasts; it ends on its own, or by {@code silo admins unlock}
     * @param requireTotp whether every administrator must sign in with a TOTP second factor; one without
     *                    may then sign in only to enroll one
     */
    public record Admin(
            String email, Optional<String> password, int lockThreshold, Duration lockDuration, boolean requireTotp) {
        @Override
        public String toString() {
            return "Admin[" + email + (password.isPresent() ? ", password set" : "") + ", lockThreshold="
                    + lockThreshold + ", lockDuration=" + lockDuration + ", requireTotp=" + requireTotp + "]";
        }
    }

    /** An external PostgreSQL server holding the control database. */
    public record Database(String url, String user, String password) {
        @Override
        public String toString() {
            return "Database[" + url.replaceAll("\\?.*", "") + " as " + user + "]";
        }
    }

    /**
     * The embedded PostgreSQL server.
     *
     * @param port 0 picks a free port at each start
     * @param fsync off only for throw-away data (tests); a crash may then lose committed writes
     */
    public record Embedded(int port, boolean fsync, int maxConnections) {}

    /**
     * A PostgreSQL server that hosts tenant databases.
     *
     * @param id short stable name, e.g. {@code eu-1}
     * @param connectionBudget the most server connections Silo opens to it across all pools
     * @param capacity the most tenant databases placed on it
     */
    public record Cluster(
            String id,
            String url,
            String user,
            String password,
            Map<String, String> labels,
            int capacity,
            int connectionBudget) {
        @Override
        public String toString() {
            return "Cluster[" + id + " " + url.replaceAll("\\?.*", "") + " as " + user + ", labels=" + labels + "]";
        }
    }

    /**
     * Pools of connections to tenant databases.
     *
     * @param maxPerDatabase the most connections one tenant database's pool holds
     * @param maxOpenPools the most pools kept open at once; the least recently used is closed beyond it
     * @param idleTimeout a pool unused this long is closed
     * @param acquireTimeout how long a request waits for a connection before a 503
     * @param defaultBudget the connection budget of a cluster that does not set its own
     * @param statementTimeout the longest a statement on a tenant connection may run; a runaway query of
     *                         one tenant must not hold connections of the budget it shares with others
     */
    public record Pools(
            int maxPerDatabase,
            int maxOpenPools,
            Duration idleTimeout,
            Duration acquireTimeout,
            int defaultBudget,
            Duration statementTimeout) {

        /** The pools with the default statement timeout. */
        public Pools(
                int maxPerDatabase,
                int maxOpenPools,
                Duration idleTimeout,
                Duration acquireTimeout,
                int defaultBudget) {
            this(maxPerDatabase, maxOpenPools, idleTimeout, acquireTimeout, defaultBudget, Duration.ofSeconds(30));
        }
    }

    /**
     * Token lifetimes, session limits and the signing-key schedule.
     *
     * @param refreshTtl how long a refresh token stays valid unused (each refresh issues a new one)
     * @param sessionMaxAge how long a session lasts from its sign-in, however often it is refreshed
     * @param maxSessionsPerUser live sessions of one user or platform administrator; a sign-in beyond ends the oldest
     */
    public record Tokens(
            String issuer,
            Duration accessTtl,
            Duration refreshTtl,
            Duration keyRotation,
            Duration sessionMaxAge,
            int maxSessionsPerUser) {}

    /**
     * argon2id parameters; see {@code docs/security.md} for how they were chosen.
     *
     * @param concurrency runs at once, shared in turns per organization and client address
     * @param minLength the deployment's shortest password, at least 8; an organization may only raise it
     */
    public record Passwords(int memoryKib, int iterations, int parallelism, int concurrency, int minLength) {}

    /**
     * The background job runner.
     *
     * @param statementTimeout the longest a statement on an administrative connection may run (creating databases,
     *                         building indexes, backfills, backups, restores): long, but not forever
     */
    public record Jobs(
            int workers, Duration pollInterval, Duration lease, int maxAttempts, Duration statementTimeout) {}

    /**
     * Self-service sign-up.
     *
     * @param enabled whether {@code POST /api/signup} accepts anyone at all; off, only platform administrators create organizations
     * @param services the services a sign-up may ask for; empty means every shipped or configured service but {@code core}
     * @param ttl how long a verification token stays valid
     * @param maxPerAddressPerHour sign-ups accepted from one client address (an IPv6 client's /48) per hour
     * @param maxPerEmailPerHour verification mails sent to one address per hour, so Silo cannot be used to flood a mailbox
     * @param maxPerHour sign-ups accepted per hour on this instance from everyone together, counted once a request is valid
     * @param maxUsers the {@code maxUsers} quota of an organization made by sign-up
     * @param verifyUrl the page the verification mail links to, with {@code ?token=…} appended; without it the mail carries the token only
     */
    public record Signup(
            boolean enabled,
            List<String> services,
            Duration ttl,
            int maxPerAddressPerHour,
            int maxPerEmailPerHour,
            int maxPerHour,
            int maxUsers,
            Optional<String> verifyUrl) {
        public Signup {
            services = List.copyOf(services);
        }
    }

    /**
     * Outgoing mail. Without {@code smtp}, every message is written to a local mailbox, one
     * {@code .eml} file per message under {@code <data.dir>/mail/}.
     *
     * @param from the sender address of every message
     */
    public record Mail(String from, Optional<Smtp> smtp) {}

    /** An SMTP relay; {@code user} and {@code password} only when it wants authentication. */
    public record Smtp(String host, int port, Optional<String> user, Optional<String> password, boolean starttls) {
        @Override
        public String toString() {
            return "Smtp[" + host + ":" + port + " user=" + user.orElse("-") + " starttls=" + starttls + "]";
        }
    }

    /**
     * Throttling and lockout of member sign-in.
     *
     * @param maxFailuresPerAccount failed sign-ins for one login name within {@code failureWindow} before further tries are refused
     * @param maxFailuresPerAddress failed sign-ins from one client address within {@code failureWindow} before further tries are refused
     * @param failureWindow how long a failure or a password check counts towards the limits here
     * @param lockThreshold consecutive failed sign-ins of one account, across windows and instances, that lock it
     * @param lockDuration how long a locked account stays locked
     * @param maxPasswordChecksPerAccount sign-ins of one account that check a password (argon2id) within
     *                                    {@code failureWindow}, whatever their outcome, successes included
     * @param maxPasswordChecksPerAddress the same from one client address
     */
    public record Login(
            int maxFailuresPerAccount,
            int maxFailuresPerAddress,
            Duration failureWindow,
            int lockThreshold,
            Duration lockDuration,
            int maxPasswordChecksPerAccount,
            int maxPasswordChecksPerAddress) {}

    /**
     * The sweeper that finishes directory updates an instance could not (it crashed, or the control database failed).
     *
     * @param sweepInterval how often it looks for tenants whose directory may be behind
     * @param sweepAge how long a tenant must have been marked before the sweeper takes it over from the request that marked it
     */
    public record Directory(Duration sweepInterval, Duration sweepAge) {}

    /**
     * The files of documents.
     *
     * @param urlTtl how long a signed file URL works when its caller names no {@code ttl}
     * @param urlMaxTtl the longest a caller may ask a signed file URL to work
     */
    public record Files(Duration urlTtl, Duration urlMaxTtl) {
        public Files {
            if (urlTtl.compareTo(urlMaxTtl) > 0) {
                throw new ConfigException("invalid files.urlTtl = " + urlTtl.toSeconds()
                        + "s: longer than files.urlMaxTtl = " + urlMaxTtl.toSeconds() + "s");
            }
        }
    }

    /**
     * How long logs are kept. Old rows are deleted in batches of {@code batchSize} rows per statement
     * with {@code pause} between statements, so a purge never holds long locks or floods the WAL; one
     * instance at a time purges, every {@code interval}, on administrative connections.
     *
     * @param activity age after which tenant activity rows ({@code silo_activity}) go; zero keeps them forever
     * @param audit age after which master audit log rows ({@code audit_log}) go; zero keeps them forever
     */
    public record Retention(Duration activity, Duration audit, int batchSize, Duration pause, Duration interval) {
        /** Whether rows of an age limit are ever purged. */
        public static boolean purges(Duration keep) {
            return !keep.isZero();
        }
    }

    /** Reads and validates every key; unknown keys in the file are an error. */
    public static SiloConfig from(ConfigSource source) {
        SiloConfig config = new SiloConfig(
                new Http(
                        source.string("http.host", "0.0.0.0"),
                        source.integer("http.port", 8080, 0, 65535),
                        source.integer("http.maxConcurrentRequests", 1024, 1, 1_000_000),
                        corsOrigins(source.string("http.corsOrigins", "")),
                        trustedProxies(source.string("http.trustedProxies", "")),
                        source.choice("http.forwardedHeader", ForwardedHeader.X_FORWARDED_FOR),
                        tls(source),
                        metricsToken(source)),
                Path.of(source.string("data.dir", "./data")).normalize(),
                new Admin(
                        source.string("admin.email", "admin@silo.local"),
                        source.optional("admin.password"),
                        source.integer("admin.lockThreshold", 10, 1, 1000),
                        source.duration(
                                "admin.lockDuration",
                                Duration.ofMinutes(15),
                                Duration.ofSeconds(1),
                                Duration.ofDays(30)),
                        source.bool("admin.requireTotp", false)),
                source.optional("master.key"),
                source.optional("master.previousKey"),
                database(source),
                new Embedded(
                        source.integer("embedded.port", 0, 0, 65535),
                        source.bool("embedded.fsync", true),
                        source.integer("embedded.maxConnections", 300, 20, 10_000)),
                List.of(),
                pools(source),
                new Tokens(
                        source.string("tokens.issuer", "silo"),
                        source.duration(
                                "tokens.accessTtl", Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofDays(1)),
                        source.duration(
                                "tokens.refreshTtl", Duration.ofDays(30), Duration.ofMinutes(5), Duration.ofDays(365)),
                        source.duration(
                                "tokens.keyRotation", Duration.ofDays(7), Duration.ofHours(1), Duration.ofDays(365)),
                        source.duration(
                                "tokens.sessionMaxAge",
                                Duration.ofDays(30),
                                Duration.ofMinutes(5),
                                Duration.ofDays(365)),
                        source.integer("tokens.maxSessionsPerUser", 50, 1, 10_000)),
                new Passwords(
                        source.integer("passwords.memoryKib", 19_456, 1024, 4_194_304),
                        source.integer("passwords.iterations", 2, 1, 100),
                        source.integer("passwords.parallelism", 1, 1, 64),
                        source.integer("passwords.concurrency", PasswordHasher.defaultConcurrency(), 1, 1024),
                        source.integer(
                                "passwords.minLength",
                                PasswordPolicy.DEFAULT_MIN_LENGTH,
                                PasswordPolicy.LOWEST_DEPLOYMENT_MIN_LENGTH,
                                PasswordPolicy.MAX_LENGTH)),
                new Jobs(
                        source.integer("jobs.workers", 2, 1, 64),
                        source.duration(
                                "jobs.pollInterval",
                                Duration.ofSeconds(1),
                                Duration.ofMillis(10),
                                Duration.ofMinutes(10)),
                        source.duration(
                                "jobs.lease", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1)),
                        source.integer("jobs.maxAttempts", 5, 1, 100),
                        source.duration(
                                "jobs.statementTimeout",
                                Duration.ofHours(1),
                                Duration.ofSeconds(1),
                                Duration.ofDays(1))),
                source.optional("services.dir").map(dir -> Path.of(dir).normalize()),
                signup(source),
                mail(source),
                new Login(
                        source.integer("login.maxFailuresPerAccount", 5, 1, 1000),
                        source.integer("login.maxFailuresPerAddress", 50, 1, 100_000),
                        source.duration(
                                "login.failureWindow",
                                Duration.ofMinutes(15),
                                Duration.ofSeconds(1),
                                Duration.ofDays(1)),
                        source.integer("login.lockThreshold", 10, 1, 1000),
                        source.duration(
                                "login.lockDuration",
                                Duration.ofMinutes(15),
                                Duration.ofSeconds(1),
                                Duration.ofDays(30)),
                        source.integer("login.maxPasswordChecksPerAccount", 30, 1, 100_000),
                        source.integer("login.maxPasswordChecksPerAddress", 1000, 1, 1_000_000)),
                new Directory(
                        source.duration("directory.sweepInterval", Duration.ofSeconds(5)),
                        source.duration("directory.sweepAge", Duration.ofSeconds(5))),
                source.choice("autovacuum.tuning", AutovacuumTuning.EMBEDDED),
                new Files(
                        source.duration(
                                "files.urlTtl", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(7)),
                        source.duration(
                                "files.urlMaxTtl", Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(7))),
                new Retention(
                        keep(source, "retention.activity", Duration.ofDays(365)),
                        keep(source, "retention.audit", Duration.ofDays(730)),
                        source.integer("retention.batchSize", 1000, 1, 100_000),
                        source.duration(
                                "retention.pause", Duration.ofMillis(100), Duration.ZERO, Duration.ofMinutes(1)),
                        source.duration(
                                "retention.interval", Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(7))),
                source.duration(
                        "services.removalGrace", Duration.ofDays(7), Duration.ofMinutes(1), Duration.ofDays(365)),
                source.optional("imports.dir")
                        .map(dir -> Path.of(dir).toAbsolutePath().normalize()),
                backups(source),
                source.duration("moves.syncTimeout", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(1)),
                placement(source));
        config = config.withClusters(clusters(source, config.pools().defaultBudget()));
        source.rejectUnknownKeys();
        return config;
    }

    /** Everything but the master key, which is never printed. */
    @Override
    public String toString() {
        return "SiloConfig[http=" + http + ", dataDir=" + dataDir + ", admin=" + admin + ", masterKey="
                + (masterKey.isPresent() ? "set" : "generated")
                + (previousMasterKey.isPresent() ? " (and a previous one)" : "")
                + ", database=" + database + ", embedded=" + embedded
                + ", clusters=" + clusters + ", pools=" + pools + ", tokens=" + tokens + ", passwords=" + passwords
                + ", jobs=" + jobs + ", autovacuumTuning=" + autovacuumTuning + ", files=" + files + ", retention="
                + retention + ", serviceRemovalGrace=" + serviceRemovalGrace + ", importsDir=" + importsDir
                + ", backups=" + backups + ", moveSyncTimeout=" + moveSyncTimeout + ", placement=" + placement + "]";
    }

    /** A copy with other clusters; handy for tests that add servers. */
    public SiloConfig withClusters(List<Cluster> more) {
        return new SiloConfig(
                http,
                dataDir,
                admin,
                masterKey,
                previousMasterKey,
                database,
                embedded,
                List.copyOf(more),
                pools,
                tokens,
                passwords,
                jobs,
                servicesDir,
                signup,
                mail,
                login,
                directory,
                autovacuumTuning,
                files,
                retention,
                serviceRemovalGrace,
                importsDir,
                backups,
                moveSyncTimeout,
                placement);
    }

    /** A copy with other default placements of services; what {@code placement.services} sets, in code. */
    public SiloConfig withPlacement(Placement other) {
        return new SiloConfig(
                http,
                dataDir,
                admin,
                masterKey,
                previousMasterKey,
                database,
                embedded,
                clusters,
                pools,
                tokens,
                passwords,
                jobs,
                servicesDir,
                signup,
                mail,
                login,
                directory,
                autovacuumTuning,
                files,
                retention,
                serviceRemovalGrace,
                importsDir,
                backups,
                moveSyncTimeout,
                other);
    }

    /**
     * Where each service's databases go unless an organization's creation says otherwise
     * ({@code placement.services.<service>.labels}): any active cluster carrying all those labels.
     * A service not named here goes with the organization's core database.
     *
     * @param serviceLabels the labels by service
     */
    public record Placement(Map<String, Map<String, String>> serviceLabels) {
        public Placement {
            Map<String, Map<String, String>> copy = new java.util.LinkedHashMap<>();
            serviceLabels.forEach((service, labels) -> copy.put(service, Map.copyOf(labels)));
            serviceLabels = java.util.Collections.unmodifiableMap(copy);
        }

        /** No default: every service goes with the organization's core database. */
        public static Placement none() {
            return new Placement(Map.of());
        }
    }

    private static Placement placement(ConfigSource source) {
        Map<String, Map<String, String>> labels = new java.util.LinkedHashMap<>();
        source.mappings("placement.services").forEach((service, entry) -> {
            Map<String, String> wanted = entry.map("labels");
            if (wanted.isEmpty()) {
                throw new ConfigException("placement.services." + service
                        + ".labels is empty: name the labels a cluster must carry to take " + service
                        + "'s databases, or leave the service out");
            }
            labels.put(service, wanted);
        });
        return new Placement(labels);
    }

    /** A copy that uses another control database; the CLI attaches to a running embedded server with it. */
    public SiloConfig withDatabase(Database other) {
        return new SiloConfig(
                http,
                dataDir,
                admin,
                masterKey,
                previousMasterKey,
                Optional.of(other),
                embedded,
                clusters,
                pools,
                tokens,
                passwords,
                jobs,
                servicesDir,
                signup,
                mail,
                login,
                directory,
                autovacuumTuning,
                files,
                retention,
                serviceRemovalGrace,
                importsDir,
                backups,
                moveSyncTimeout,
                placement);
    }

    /**
     * Backups over HTTP and on a schedule ({@code docs/operations.md}, "Backup and restore").
     *
     * @param dir where archives go, one folder per organization id ({@code backups.dir}); unset, the
     *     backup routes answer 409 {@code backups-not-configured} ({@code silo backup} needs none)
     * @param keyFile the file holding the backup key ({@code backups.keyFile}, 32 bytes as base64 or
     *     hex); read when a backup runs, never logged
     * @param every how often every active organization is backed up ({@code backups.every}); unset, never
     * @param keep how many scheduled archives of an organization are kept ({@code backups.keep}); older
     *     ones are deleted after a new one is written
     */
    public record Backups(Optional<Path> dir, Optional<Path> keyFile, Optional<Duration> every, int keep) {
        /** Whether backups over HTTP can run: a directory and a key file. */
        public boolean configured() {
            return dir.isPresent() && keyFile.isPresent();
        }
    }

    private static Backups backups(ConfigSource source) {
        Backups backups = new Backups(
                source.optional("backups.dir")
                        .map(dir -> Path.of(dir).toAbsolutePath().normalize()),
                source.optional("backups.keyFile")
                        .map(file -> Path.of(file).toAbsolutePath().normalize()),
                source.optional("backups.every")
                        .map(every -> source.duration(
                                "backups.every", Duration.ofDays(1), Duration.ofMinutes(1), Duration.ofDays(365))),
                source.integer("backups.keep", 7, 1, 10_000));
        if (backups.every().isPresent() && !backups.configured()) {
            throw new ConfigException("backups.every needs backups.dir and backups.keyFile; backups.dir is "
                    + backups.dir().map(Path::toString).orElse("unset") + ", backups.keyFile is "
                    + backups.keyFile().map(Path::toString).orElse("unset"));
        }
        return backups;
    }

    /** A log's age limit: a duration of at least a day, or {@code 0} (also {@code 0d}) to keep it forever. */
    private static Duration keep(ConfigSource source, String key, Duration fallback) {
        if (source.optional(key).map(String::trim).filter("0"::equals).isPresent()) {
            return Duration.ZERO;
        }
        Duration keep = source.duration(key, fallback, Duration.ZERO, Duration.ofDays(36_500));
        if (!keep.isZero() && keep.compareTo(Duration.ofDays(1)) < 0) {
            throw new ConfigException("invalid " + key + " = "
                    + source.optional(key).orElse("") + ": expected 0 (keep forever) or at least 1d");
        }
        return keep;
    }

    /**
     * A comma-separated list of origins: {@code *}, or each a scheme ({@code http} or {@code https}), a
     * host and an optional port, with nothing after, as a browser sends it in {@code Origin}.
     */
    static List<String> corsOrigins(String text) {
        List<String> origins = new ArrayList<>();
        for (String part : text.split(",")) {
            String origin = part.trim();
            if (origin.isEmpty()) {
                continue;
            }
            if (!origin.equals("*") && !origin.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
                throw new ConfigException("invalid http.corsOrigins entry '" + origin
                        + "': expected * or an origin such as https://app.example.com or http://localhost:3000"
                        + " (scheme, host, optional port; no path, no trailing slash)");
            }
            origins.add(origin);
        }
        if (origins.contains("*") && origins.size() > 1) {
            throw new ConfigException("http.corsOrigins: * allows every origin; list origins or *, not both");
        }
        return origins;
    }

    /** A comma-separated list of IP addresses and CIDR blocks, IPv4 or IPv6; host names are refused. */
    static List<AddressRange> trustedProxies(String text) {
        List<AddressRange> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            ranges.add(AddressRange.parse(entry)
                    .orElseThrow(() -> new ConfigException("invalid http.trustedProxies entry '" + entry
                            + "': expected an IP address or a CIDR block such as 10.0.0.0/8 or 2001:db8::/32"
                            + " (no host names)")));
        }
        return ranges;
    }

    private static Optional<Tls> tls(ConfigSource source) {
        Optional<String> certificate = source.optional("http.tls.certificate");
        Optional<String> privateKey = source.optional("http.tls.privateKey");
        Optional<String> keystore = source.optional("http.tls.keystore");
        Optional<String> password = source.optional("http.tls.keystorePassword");
        Duration reload = source.duration(
                "http.tls.reloadInterval", Duration.ofMinutes(1), Duration.ofMillis(100), Duration.ofDays(1));
        if (keystore.isPresent() && (certificate.isPresent() || privateKey.isPresent())) {
            throw new ConfigException("http.tls.keystore and http.tls.certificate/privateKey are two ways to give"
                    + " the certificate: set one (SILO_HTTP_TLS_KEYSTORE or SILO_HTTP_TLS_CERTIFICATE"
                    + " with SILO_HTTP_TLS_PRIVATE_KEY)");
        }
        if (keystore.isPresent()) {
            return Optional.of(new Tls.Keystore(Path.of(keystore.get()), password.orElse(""), reload));
        }
        if (password.isPresent()) {
            throw new ConfigException("http.tls.keystorePassword is set but http.tls.keystore is not");
        }
        if (certificate.isPresent() != privateKey.isPresent()) {
            throw new ConfigException("http.tls.certificate and http.tls.privateKey go together: set both"
                    + " (SILO_HTTP_TLS_CERTIFICATE, SILO_HTTP_TLS_PRIVATE_KEY) or neither");
        }
        return certificate.map(file -> new Tls.Pem(Path.of(file), Path.of(privateKey.orElseThrow()), reload));
    }

    /** At least 32 characters: {@code /metrics} counts no failures, so the token alone must resist guessing. */
    private static Optional<String> metricsToken(ConfigSource source) {
        Optional<String> token = source.optional("metrics.token").map(String::trim);
        token.filter(value -> value.length() < 32).ifPresent(value -> {
            throw new ConfigException("invalid metrics.token (SILO_METRICS_TOKEN): " + value.length()
                    + " characters, expected at least 32 (openssl rand -hex 32 makes one); the value is not shown");
        });
        return token;
    }

    private static Signup signup(ConfigSource source) {
        List<String> services = source.optional("signup.services").stream()
                .flatMap(list -> java.util.Arrays.stream(list.split(",")))
                .map(String::trim)
                .filter(service -> !service.isEmpty())
                .distinct()
                .toList();
        if (services.contains("core")) {
            throw new ConfigException("invalid signup.services = '" + String.join(",", services)
                    + "': core is every organization's own service and cannot be asked for");
        }
        Optional<String> verifyUrl = source.optional("signup.verifyUrl");
        verifyUrl
                .filter(url -> !url.startsWith("https://") && !url.startsWith("http://"))
                .ifPresent(url -> {
                    throw new ConfigException(
                            "invalid signup.verifyUrl = '" + url + "': expected an http:// or https:// URL");
                });
        return new Signup(
                source.bool("signup.enabled", true),
                services,
                source.duration("signup.ttl", Duration.ofHours(24), Duration.ofMinutes(5), Duration.ofDays(30)),
                source.integer("signup.maxPerAddressPerHour", 5, 1, 100_000),
                source.integer("signup.maxPerEmailPerHour", 3, 1, 1000),
                source.integer("signup.maxPerHour", 100, 1, 1_000_000),
                source.integer("signup.maxUsers", 25, 1, 1_000_000),
                verifyUrl);
    }

    private static Mail mail(ConfigSource source) {
        String from = source.string("mail.from", "silo@localhost");
        Optional<String> host = source.optional("mail.smtp.host");
        int port = source.integer("mail.smtp.port", 587, 1, 65535);
        Optional<String> user = source.optional("mail.smtp.user");
        Optional<String> password = source.optional("mail.smtp.password");
        boolean starttls = source.bool("mail.smtp.starttls", true);
        if (host.isEmpty()) {
            if (user.isPresent() || password.isPresent()) {
                throw new ConfigException(
                        "mail.smtp.user and mail.smtp.password need mail.smtp.host (SILO_MAIL_SMTP_HOST)");
            }
            return new Mail(from, Optional.empty());
        }
        if (password.isPresent() && user.isEmpty()) {
            throw new ConfigException("mail.smtp.password is set but mail.smtp.user is not");
        }
        return new Mail(from, Optional.of(new Smtp(host.get(), port, user, password, starttls)));
    }

    private static Optional<Database> database(ConfigSource source) {
        Optional<String> url = source.optional("database.url");
        Optional<String> user = source.optional("database.user");
        Optional<String> password = source.optional("database.password");
        if (url.isEmpty()) {
            if (user.isPresent() || password.isPresent()) {
                throw new ConfigException("database.user and database.password need database.url (SILO_DATABASE_URL)");
            }
            return Optional.empty();
        }
        if (!url.get().startsWith("jdbc:postgresql://")) {
            throw new ConfigException("invalid database.url (SILO_DATABASE_URL): expected a JDBC URL such as "
                    + "jdbc:postgresql://host:5432/silo");
        }
        return Optional.of(new Database(url.get(), user.orElse("postgres"), password.orElse("")));
    }

    private static Pools pools(ConfigSource source) {
        return new Pools(
                source.integer("pools.maxPerDatabase", 4, 1, 100),
                source.integer("pools.maxOpenPools", 1000, 1, 100_000),
                source.duration("pools.idleTimeout", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofDays(1)),
                source.duration(
                        "pools.acquireTimeout", Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofMinutes(1)),
                source.integer("pools.defaultBudget", 80, 2, 100_000),
                source.duration(
                        "pools.statementTimeout", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1)));
    }

    private static List<Cluster> clusters(ConfigSource source, int defaultBudget) {
        List<Cluster> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigSource entry : source.list("clusters")) {
            String id = entry.required("id");
            if (!id.matches("[a-z][a-z0-9-]{0,30}")) {
                throw new ConfigException(
                        "invalid cluster id '" + id + "': use lower-case letters, digits and '-', at most 31");
            }
            if (PRIMARY_CLUSTER.equals(id)) {
                throw new ConfigException(
                        "cluster id 'primary' is reserved for the server that holds the control database; choose another");
            }
            if (!ids.add(id)) {
                throw new ConfigException("cluster id '" + id + "' appears twice in clusters");
            }
            String url = entry.required("url");
            if (!url.startsWith("jdbc:postgresql://")) {
                throw new ConfigException(
                        "invalid url of cluster " + id + ": expected jdbc:postgresql://host:port/database");
            }
            out.add(new Cluster(
                    id,
                    url,
                    entry.string("user", "postgres"),
                    entry.string("password", ""),
                    entry.map("labels"),
                    entry.integer("capacity", 5000, 1, 1_000_000),
                    entry.integer("connectionBudget", defaultBudget, 2, 100_000)));
        }
        return out;
    }
}
