package io.silo.bench.stack;

import io.silo.crypto.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A PostgreSQL server of the distribution's packages (Debian's {@code postgresql-15}), started by
 * the benchmark with {@code initdb} and {@code pg_ctl} in a directory of its own, on a free port of
 * 127.0.0.1, fsync on, a superuser {@code postgres} with a generated password (scram-sha-256 over
 * TCP), and stopped at the end. Its client tools ({@code pg_dump}, {@code pg_restore}) are of the
 * same major version, which {@code pg_dump} requires and the embedded binaries cannot give.
 *
 * <p>PostgreSQL refuses to run as root: when the benchmark is root, the server runs as the system's
 * {@code postgres} user (through {@code runuser}) and its directory belongs to that user.
 *
 * <p>Thread-safe.
 */
public final class DebianPostgres implements AutoCloseable {
    /** Where Debian installs version 15's programs. */
    public static final Path DEFAULT_BIN = Path.of("/usr/lib/postgresql/15/bin");

    private static final String SUPERUSER = "postgres";

    private final Path bin;
    private final Path home;
    private final int port;
    private final String password;
    private final PostgresServer server;

    private DebianPostgres(Path bin, Path home, int port, String password) {
        this.bin = bin;
        this.home = home;
        this.port = port;
        this.password = password;
        this.server = PostgresServer.external("jdbc:postgresql://127.0.0.1:" + port + "/postgres", SUPERUSER, password);
    }

    /** Creates a cluster in {@code home} (which must not exist) and starts it. */
    public static DebianPostgres start(Path bin, Path home) {
        return start(bin, home, List.of());
    }

    /** The same, with more server settings ({@code name=value}, each passed as {@code -c}). */
    public static DebianPostgres start(Path bin, Path home, List<String> settings) {
        if (!Files.isExecutable(bin.resolve("initdb")) || !Files.isExecutable(bin.resolve("pg_dump"))) {
            throw new IllegalStateException("no PostgreSQL in " + bin
                    + " (Debian: apt-get install postgresql-15), or pass --backup-postgres-bin");
        }
        String password = Secrets.password();
        DebianPostgres postgres = new DebianPostgres(bin, home.toAbsolutePath(), freePort(), password);
        postgres.initAndStart(settings);
        return postgres;
    }

    /** The server as the benchmark's other code connects to it, as the superuser. */
    public PostgresServer server() {
        return server;
    }

    /** A client program of this version, e.g. {@code pg_dump}. */
    public Path program(String name) {
        return bin.resolve(name);
    }

    public int port() {
        return port;
    }

    /** The environment a client program needs to connect as the superuser (the password never on a command line). */
    public Map<String, String> clientEnvironment() {
        return Map.of(
                "PGHOST", "127.0.0.1", "PGPORT", Integer.toString(port), "PGUSER", SUPERUSER, "PGPASSWORD", password);
    }

    /** The postmaster's process id, so that PostgreSQL's CPU can be measured; empty when it cannot be read. */
    public OptionalLong postmasterPid() {
        try {
            return OptionalLong.of(Long.parseLong(Files.readAllLines(dataDir().resolve("postmaster.pid"))
                    .getFirst()
                    .trim()));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private void initAndStart(List<String> settings) {
        try {
            Files.createDirectories(home);
            Path passwordFile = home.resolve("superuser.password");
            Files.writeString(passwordFile, password + "\n");
            if (runningAsRoot()) {
                run(List.of("chown", "-R", SUPERUSER + ":" + SUPERUSER, home.toString()), false);
            }
            run(
                    List.of(
                            program("initdb").toString(),
                            "-D",
                            dataDir().toString(),
                            "-U",
                            SUPERUSER,
                            "--pwfile=" + passwordFile,
                            "--auth-local=scram-sha-256",
                            "--auth-host=scram-sha-256",
                            "-E",
                            "UTF8",
                            "--locale=C.UTF-8"),
                    true);
            Files.deleteIfExists(passwordFile);
            run(
                    List.of(
                            program("pg_ctl").toString(),
                            "-D",
                            dataDir().toString(),
                            "-l",
                            home.resolve("postgres.log").toString(),
                            "-w",
                            "-t",
                            "120",
                            "-o",
                            "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + home
                                    + " -c fsync=on -c max_connections=100"
                                    + settings.stream()
                                            .map(setting -> " -c " + setting)
                                            .collect(Collectors.joining()),
                            "start"),
                    true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare PostgreSQL 15 in " + home, e);
        }
    }

    private Path dataDir() {
        return home.resolve("data");
    }

    /** Stops the server ({@code pg_ctl stop -m fast}); the directory stays for the caller to delete. */
    @Override
    public void close() {
        if (Files.exists(dataDir().resolve("postmaster.pid"))) {
            run(
                    List.of(
                            program("pg_ctl").toString(),
                            "-D",
                            dataDir().toString(),
                            "-m",
                            "fast",
                            "-w",
                            "-t",
                            "300",
                            "stop"),
                    true);
        }
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void run(List<String> command, boolean asServerUser) {
        List<String> full = new ArrayList<>();
        if (asServerUser && runningAsRoot()) {
            full.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
        }
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(
                        "PostgreSQL 15 in " + home + ": " + String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for PostgreSQL 15", e);
        }
    }
}
