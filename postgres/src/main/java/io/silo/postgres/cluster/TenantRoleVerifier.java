package io.silo.postgres.cluster;

import java.security.SecureRandom;
import org.postgresql.util.PasswordUtil;

/**
 * The SCRAM-SHA-256 verifier a tenant role's password is stored as, with few iterations.
 *
 * <p>PostgreSQL's default of 4,096 PBKDF2 iterations protects passwords people choose against a
 * guessing attack on a stolen {@code pg_authid}. A tenant role's password is 256 random bits that
 * no one chooses or types: no amount of stretching makes it harder to guess, while both sides of
 * every login pay for it. Under a connection budget smaller than the number of tenants, cold
 * tenants' requests log in often, and with 4,096 iterations the login was the largest cost of a
 * routed read (JFR, {@code docs/benchmarks.md}). The salt stays random, so equal passwords would
 * still differ.
 *
 * <p>Thread-safe.
 */
final class TenantRoleVerifier {
    /** Iterations of PBKDF2: enough for the format, nothing for the strength of a random password. */
    static final int ITERATIONS = 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private TenantRoleVerifier() {}

    /** {@code SCRAM-SHA-256$16:<salt>$<StoredKey>:<ServerKey>} for {@code password}. */
    static String of(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return PasswordUtil.encodeScramSha256(password.toCharArray(), ITERATIONS, salt);
    }
}
