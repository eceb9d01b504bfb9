package io.silo.crypto;

import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.HashingFunction;
import com.password4j.Password;
import com.password4j.types.Argon2;
import io.silo.error.ProblemType;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Hashes and checks passwords with argon2id. Hashes are PHC strings that carry their own
 * parameters, so a change of parameters applies to new hashes at once and to old ones when
 * their owner next signs in ({@link #needsRehash}). A bcrypt hash (an account imported from
 * another system by {@code silo import}) is checked too, and always needs a rehash, so it turns into
 * argon2id at its owner's first sign-in.
 *
 * <p>Every run needs a permit ({@link HashingPermits}): a few runs per core at once, handed out in
 * turns per organization and client address, so that one client's flood of sign-ins cannot starve
 * another organization's; a request that waits more than two seconds for its turn gets a 503.
 *
 * <p>Thread-safe.
 */
public final class PasswordHasher {
    /** The deployment default minimum ({@link PasswordPolicy#DEFAULT_MIN_LENGTH}); the floor in force is {@link #policy()}. */
    public static final int MIN_LENGTH = PasswordPolicy.DEFAULT_MIN_LENGTH;

    private static final int MAX_LENGTH = PasswordPolicy.MAX_LENGTH;

    private static final Duration WAIT_FOR_PERMIT = Duration.ofSeconds(2);

    private final Argon2Function function;
    private final PasswordPolicy policy;
    private final String dummyHash;
    /**
     * Each argon2id run holds {@code memoryKib} of memory. Requests run on unbounded virtual
     * threads, so without a bound a burst of sign-ins (real or hostile) would allocate gigabytes;
     * beyond a few runs per core they only queue for CPU anyway.
     */
    private final HashingPermits permits;

    /**
     * Who a run of argon2id is for, to take turns by: the organization (or a fixed name such as
     * {@code sign-up} or {@code platform} where there is none yet) and the client's address key.
     */
    public record Claimant(String organization, String address) {
        /** Silo itself: creating the first administrator at start, a benchmark measuring the cost. */
        public static final Claimant SILO = new Claimant("silo", "local");
    }

    private PasswordHasher(Argon2Function function, int concurrency, PasswordPolicy policy) {
        this.function = function;
        this.policy = policy;
        // a classroom behind one address signing in at once waits its turns; a flood beyond that is refused at once
        this.permits = new HashingPermits(concurrency, 8 * concurrency);
        this.dummyHash = decoyHash(function, new SecureRandom());
    }

    /**
     * A hash no password matches, in {@code function}'s PHC form with its parameters: checking a
     * password against it costs what checking against a real one does. Random bytes, not a hash
     * computed here, so that building a hasher (every CLI command does) costs no argon2id run.
     */
    static String decoyHash(Argon2Function function, SecureRandom random) {
        byte[] salt = new byte[16];
        byte[] hash = new byte[function.getOutputLength()];
        random.nextBytes(salt);
        random.nextBytes(hash);
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=" + function.getVersion() + "$m=" + function.getMemory() + ",t=" + function.getIterations()
                + ",p=" + function.getParallelism() + "$" + base64.encodeToString(salt) + "$"
                + base64.encodeToString(hash);
    }

    /**
     * A hasher with the given argon2id parameters.
     *
     * @param memoryKib memory in KiB (OWASP's floor is 19456 with 2 iterations)
     * @param iterations passes over memory
     * @param parallelism lanes
     */
    public static PasswordHasher argon2id(int memoryKib, int iterations, int parallelism) {
        return argon2id(memoryKib, iterations, parallelism, defaultConcurrency());
    }

    /**
     * A hasher with the given argon2id parameters and at most {@code concurrency} runs at once.
     *
     * @param concurrency runs at once; {@link #defaultConcurrency()} is two per core
     */
    public static PasswordHasher argon2id(int memoryKib, int iterations, int parallelism, int concurrency) {
        return argon2id(memoryKib, iterations, parallelism, concurrency, PasswordPolicy.standard());
    }

    /**
     * A hasher with the given argon2id parameters, at most {@code concurrency} runs at once, and the
     * deployment's password policy ({@code passwords.minLength}), which organizations may only raise.
     */
    public static PasswordHasher argon2id(
            int memoryKib, int iterations, int parallelism, int concurrency, PasswordPolicy policy) {
        if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
            throw new IllegalArgumentException(
                    "argon2id parameters out of range: m=" + memoryKib + " t=" + iterations + " p=" + parallelism);
        }
        return new PasswordHasher(
                Argon2Function.getInstance(memoryKib, iterations, parallelism, 32, Argon2.ID), concurrency, policy);
    }

    /** Two runs per core, at least two: more only queue for the CPU. */
    public static int defaultConcurrency() {
        return Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
    }

    /** The deployment's password policy: the floor every organization's policy starts from. */
    public PasswordPolicy policy() {
        return policy;
    }

    /** Hashes {@code password} with a fresh salt for {@code who}, after checking the deployment's policy. */
    public String hash(String password, Claimant who) {
        return hash(password, policy, who);
    }

    /**
     * Hashes {@code password} with a fresh salt for {@code who}, after checking {@code rules}: an
     * organization's policy ({@code policy().forOrganization(…)}), or the demo accounts' one.
     */
    public String hash(String password, PasswordPolicy rules, Claimant who) {
        rules.check(password);
        return rehash(password, who);
    }

    /**
     * Hashes a password that was accepted before, without the policy: the rehash after a sign-in, an
     * imported account's password. The policy applies when a password is chosen, and an account
     * must not be locked out by a stricter one set after its password was.
     */
    public String rehash(String password, Claimant who) {
        return bounded(
                who,
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

    /**
     * Whether {@code password} matches {@code hash}, checked for {@code who}. A password longer than
     * any policy admits is checked like any other (sign-in refuses it earlier with
     * {@link #checkSignInLength}), so no length skips the work.
     */
    public boolean verify(String password, String hash, Claimant who) {
        return bounded(who, () -> {
            try {
                return Password.check(password, hash).with(functionOf(hash));
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    /** The function that made {@code hash}: bcrypt for an imported account's hash, else argon2id. */
    private static HashingFunction functionOf(String hash) {
        return isBcrypt(hash) ? BcryptFunction.getInstanceFromHash(hash) : Argon2Function.getInstanceFromHash(hash);
    }

    /** Whether {@code hash} is a bcrypt hash ({@code $2a$}, {@code $2b$} or {@code $2y$}, as bcrypt libraries write). */
    public static boolean isBcrypt(String hash) {
        return hash.length() == 60 && hash.matches("\\$2[aby]\\$\\d\\d\\$.*");
    }

    private <T> T bounded(Claimant who, Supplier<T> work) {
        try {
            if (!permits.acquire(who, WAIT_FOR_PERMIT)) {
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
    public void verifyDummy(String password, Claimant who) {
        verify(password, dummyHash, who);
    }

    /** How many runs of argon2id were started so far (each one a permit handed out). */
    public long runs() {
        return permits.granted();
    }

    /** How many runs wait for a permit now. */
    public int waiting() {
        return permits.queued();
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

    /**
     * Rejects passwords the default policy ({@link PasswordPolicy#standard()}) does not admit; where a
     * hasher is at hand, its {@link #policy()} (the configured one) is the one to check.
     */
    public static void checkPolicy(String password) {
        PasswordPolicy.standard().check(password);
    }
}
