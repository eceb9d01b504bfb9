package io.silo.crypto;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import io.silo.error.ProblemType;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Hashes and checks passwords with argon2id. Hashes are PHC strings that carry their own
 * parameters, so a change of parameters applies to new hashes at once and to old ones when
 * their owner next signs in ({@link #needsRehash}).
 *
 * <p>Thread-safe; at most two runs per core at once, others wait up to two seconds, then get a 503.
 */
public final class PasswordHasher {
    /** A password shorter than this is refused. */
    public static final int MIN_LENGTH = 10;

    private static final int MAX_LENGTH = 1024;

    private static final Duration WAIT_FOR_PERMIT = Duration.ofSeconds(2);

    private final Argon2Function function;
    private final String dummyHash;
    /**
     * Each argon2id run holds {@code memoryKib} of memory. Requests run on unbounded virtual
     * threads, so without a bound a burst of sign-ins (real or hostile) would allocate gigabytes;
     * beyond a few runs per core they only queue for CPU anyway.
     */
    private final Semaphore permits =
            new Semaphore(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()), true);

    private PasswordHasher(Argon2Function function) {
        this.function = function;
        this.dummyHash = Password.hash("dummy-password-for-timing")
                .addRandomSalt(16)
                .with(function)
                .getResult();
    }

    /**
     * A hasher with the given argon2id parameters.
     *
     * @param memoryKib memory in KiB (OWASP's floor is 19456 with 2 iterations)
     * @param iterations passes over memory
     * @param parallelism lanes
     */
    public static PasswordHasher argon2id(int memoryKib, int iterations, int parallelism) {
        if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
            throw new IllegalArgumentException(
                    "argon2id parameters out of range: m=" + memoryKib + " t=" + iterations + " p=" + parallelism);
        }
        return new PasswordHasher(Argon2Function.getInstance(memoryKib, iterations, parallelism, 32, Argon2.ID));
    }

    /** Hashes {@code password} with a fresh salt, after checking the minimum policy. */
    public String hash(String password) {
        checkPolicy(password);
        return bounded(
                () -> Password.hash(password).addRandomSalt(16).with(function).getResult());
    }

    /**
     * Refuses a password offered at sign-in that no account can have (longer than any policy admits)
     * with 400 {@code field-too-long}, before any account is looked up: an over-long password would
     * otherwise skip the hashing a wrong one costs, and the time would tell which it was.
     */
    public static void checkSignInLength(String password) {
        if (password.length() > MAX_LENGTH) {
            throw ProblemType.FIELD_TOO_LONG
                    .exception("a password has at most " + MAX_LENGTH + " characters")
                    .with("field", "password");
        }
    }

    /** Whether {@code password} matches {@code hash}. */
    public boolean verify(String password, String hash) {
        if (password.length() > MAX_LENGTH) {
            return false;
        }
        return bounded(() -> {
            try {
                return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    private <T> T bounded(Supplier<T> work) {
        try {
            if (!permits.tryAcquire(WAIT_FOR_PERMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw ProblemType.PASSWORD_HASHING_BUSY
                        .exception("too many sign-ins at once; retry shortly")
                        .retryAfter(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemType.PASSWORD_HASHING_BUSY
                    .exception("interrupted while waiting to check a password")
                    .retryAfter(Duration.ofSeconds(1));
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }

    /**
     * Burns the same time as a real check, for when there is no hash to check against: an
     * unknown account must not answer faster than a wrong password.
     */
    public void verifyDummy(String password) {
        verify(password, dummyHash);
    }

    /** Whether {@code hash} was made with other parameters than this hasher's. */
    public boolean needsRehash(String hash) {
        try {
            Argon2Function stored = Argon2Function.getInstanceFromHash(hash);
            return stored.getMemory() != function.getMemory()
                    || stored.getIterations() != function.getIterations()
                    || stored.getParallelism() != function.getParallelism()
                    || stored.getVariant() != function.getVariant();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** Rejects passwords that are too short or too long, with a message a user can act on. */
    public static void checkPolicy(String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw ProblemType.WEAK_PASSWORD.exception("password must have at least " + MIN_LENGTH + " characters");
        }
        if (password.length() > MAX_LENGTH) {
            throw ProblemType.WEAK_PASSWORD.exception("password must have at most " + MAX_LENGTH + " characters");
        }
        if (password.isBlank()) {
            throw ProblemType.WEAK_PASSWORD.exception("password must not be blank");
        }
    }
}
