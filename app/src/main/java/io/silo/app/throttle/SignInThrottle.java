package io.silo.app.throttle;

import io.silo.config.SiloConfig;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/**
 * The throttles of every sign-in, platform administrators' and members' alike, in fixed windows:
 *
 * <ul>
 *   <li>failed sign-ins per client address and per account: an attempt takes its events first, so
 *       concurrent guesses count as surely as sequential ones, and gives them back unless it failed
 *       for wrong credentials (or, for the address, a locked account); a success forgets the
 *       account's failures;
 *   <li>password checks per client address and per account, whatever their outcome: every run of
 *       argon2id counts, successes included, so that no one can loop right (or wrong, or locked)
 *       sign-ins to keep the hashing busy.
 * </ul>
 *
 * One address has one budget, whichever kind of account it tries.
 *
 * <p>Thread-safe.
 */
public final class SignInThrottle {

    private final Throttle failuresPerAddress;
    private final Throttle failuresPerAccount;
    private final Throttle checksPerAddress;
    private final Throttle checksPerAccount;

    public SignInThrottle(SiloConfig.Login settings, Clock clock) {
        this.failuresPerAddress = Throttle.of(
                ProblemType.TOO_MANY_ATTEMPTS,
                "failed sign-ins from this address",
                settings.maxFailuresPerAddress(),
                settings.failureWindow(),
                clock);
        this.failuresPerAccount = Throttle.of(
                ProblemType.TOO_MANY_ATTEMPTS,
                "failed sign-ins for this account",
                settings.maxFailuresPerAccount(),
                settings.failureWindow(),
                clock);
        this.checksPerAddress = Throttle.of(
                ProblemType.TOO_MANY_ATTEMPTS,
                "sign-ins from this address",
                settings.maxPasswordChecksPerAddress(),
                settings.failureWindow(),
                clock);
        this.checksPerAccount = Throttle.of(
                ProblemType.TOO_MANY_ATTEMPTS,
                "sign-ins for this account",
                settings.maxPasswordChecksPerAccount(),
                settings.failureWindow(),
                clock);
    }

    /**
     * Runs one sign-in from {@code clientAddress}: takes a failure event of the address, then lets
     * {@code signIn} name the account ({@link Attempt#account}) and announce its password check
     * ({@link Attempt#beforePasswordCheck}). A refusal for bad input (a 4xx other than wrong
     * credentials or a locked account) gives the failure events back.
     */
    public <T> T attempt(String clientAddress, Function<Attempt, T> signIn) {
        Attempt attempt = new Attempt(Throttle.addressKey(clientAddress));
        failuresPerAddress.acquire(attempt.address);
        try {
            T result = signIn.apply(attempt);
            attempt.succeeded();
            return result;
        } catch (RuntimeException e) {
            attempt.failed(e);
            throw e;
        }
    }

    /**
     * One sign-in under way and the events it holds.
     *
     * <p>Not thread-safe: it belongs to the request that runs the sign-in.
     */
    public final class Attempt {
        private final String address;
        private Optional<String> account = Optional.empty();

        private Attempt(String address) {
            this.address = address;
        }

        /**
         * Names the account tried: the account itself where one was found (its organization and id,
         * so that every spelling of its name shares one budget), else the name as given. Refused with
         * 429 when the account has no failures left in this window.
         */
        public void account(String key) {
            if (account.isPresent()) {
                throw new IllegalStateException("a sign-in tries one account");
            }
            failuresPerAccount.acquire(key);
            account = Optional.of(key);
        }

        /** Counts the password check about to run, whatever comes of it; refused with 429 when a budget is spent. */
        public void beforePasswordCheck() {
            checksPerAddress.acquire(address);
            try {
                account.ifPresent(checksPerAccount::acquire);
            } catch (RuntimeException e) {
                checksPerAddress.release(address);
                throw e;
            }
        }

        /** The client's address as the throttles key it (an IPv6 address by its /64). */
        public String address() {
            return address;
        }

        private void succeeded() {
            failuresPerAddress.release(address);
            account.ifPresent(failuresPerAccount::reset);
        }

        /**
         * A wrong password counts against the address and the account; a try at a locked account
         * against the address only (an address flooding locked accounts is stopped, while the
         * account, once an administrator lifts its lock, is not held back by tries it never saw).
         */
        private void failed(RuntimeException e) {
            ProblemType problem = e instanceof SiloException refusal ? refusal.problem() : ProblemType.INTERNAL_ERROR;
            if (problem == ProblemType.WRONG_CURRENT_PASSWORD) {
                problem = ProblemType.INVALID_CREDENTIALS; // a wrong password all the same, given while signed in
            }
            if (problem != ProblemType.INVALID_CREDENTIALS && problem != ProblemType.ACCOUNT_LOCKED) {
                failuresPerAddress.release(address);
            }
            if (problem != ProblemType.INVALID_CREDENTIALS) {
                account.ifPresent(failuresPerAccount::release);
            }
        }
    }
}
