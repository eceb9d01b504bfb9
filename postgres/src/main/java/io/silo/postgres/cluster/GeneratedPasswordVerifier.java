package io.silo.postgres.cluster;

import io.silo.postgres.jdbc.Identifiers;
import java.security.SecureRandom;
import org.postgresql.util.PasswordUtil;

/**
 * The SCRAM-SHA-256 verifier, with few iterations, of a password Silo generated: a tenant role's,
 * a cluster administrator's that Silo rotated, the embedded server's superuser's.
 *
 * <p>PostgreSQL's default of 4,096 PBKDF2 iterations protects passwords people choose against a
 * guessing attack on a stolen {@code pg_authid}. A password Silo generates is 256 random bits that
 * no one chooses or types: no amount of stretching makes it harder to guess, while the client pays
 * for it at every login (the server only checks the proof). Under a connection budget smaller than
 * the number of tenants, cold tenants' requests log in often, and with 4,096 iterations the login
 * was the largest cost of a routed read (JFR, {@code docs/benchmarks.md}); a rollout logs in as the
 * cluster's administrator once per database. The salt stays random, so equal passwords
 * would still differ.
 *
 * <p>Thread-safe.
 */
public final class GeneratedPasswordVerifier {
    /** Iterations of PBKDF2: enough for the format, nothing for the strength of a random password. */
    public static final int ITERATIONS = 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private GeneratedPasswordVerifier() {}

    /** {@code SCRAM-SHA-256$16:<salt>$<StoredKey>:<ServerKey>} for {@code password}. */
    public static String of(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return PasswordUtil.encodeScramSha256(password.toCharArray(), ITERATIONS, salt);
    }

    /**
     * The statement that stores {@code password} for {@code role} so: only the verifier travels.
     *
     * @param role the role as SQL: quoted, or {@code CURRENT_USER}
     */
    public static String alterRole(String role, String password) {
        return "ALTER ROLE " + role + " PASSWORD " + Identifiers.literal(of(password));
    }

    /** Whether {@code stored}, a role's {@code pg_authid.rolpassword}, is a verifier of {@link #ITERATIONS}. */
    public static boolean hasItsIterations(String stored) {
        return stored != null && stored.startsWith("SCRAM-SHA-256$" + ITERATIONS + ":");
    }
}
