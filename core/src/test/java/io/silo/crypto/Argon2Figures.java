package io.silo.crypto;

/**
 * Prints how long one argon2id hash takes on this machine for a few (memory, iterations) pairs,
 * the figures behind the defaults in {@code docs/security.md}. A program, not a test: timing is
 * measured and reported, never asserted. Run it from the repository root after a build:
 *
 * <pre>java -cp core/target/classes:core/target/test-classes:$(cat core/target/cp.txt) io.silo.crypto.Argon2Figures</pre>
 *
 * where {@code core/target/cp.txt} comes from {@code ./mvnw -q -pl core dependency:build-classpath -Dmdep.outputFile=target/cp.txt}.
 */
public final class Argon2Figures {
    private static final int[][] PARAMETERS = {
        {4096, 1}, {19_456, 2}, {19_456, 3}, {47_104, 1}, {47_104, 2}, {65_536, 2}, {65_536, 3}
    };
    private static final int WARM_UP = 3;
    private static final int ROUNDS = 15;

    private Argon2Figures() {}

    public static void main(String[] args) {
        System.out.printf("%-10s %-10s %-4s %10s %10s%n", "memoryKib", "iterations", "p", "median ms", "p90 ms");
        for (int[] pair : PARAMETERS) {
            PasswordHasher hasher = PasswordHasher.argon2id(pair[0], pair[1], 1);
            for (int i = 0; i < WARM_UP; i++) {
                hasher.hash("warm-up-password-" + i, PasswordHasher.Claimant.SILO);
            }
            long[] millis = new long[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                long start = System.nanoTime();
                hasher.hash("measured-password-" + i, PasswordHasher.Claimant.SILO);
                millis[i] = (System.nanoTime() - start) / 1_000_000;
            }
            java.util.Arrays.sort(millis);
            System.out.printf(
                    "%-10d %-10d %-4d %10d %10d%n", pair[0], pair[1], 1, millis[ROUNDS / 2], millis[ROUNDS * 9 / 10]);
        }
    }
}
