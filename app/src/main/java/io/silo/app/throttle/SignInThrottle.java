package io.silo.app.throttle;

import io.silo.config.SiloConfig;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The throttles of every sign-in, platform administrators' and members' alike: failed attempts per
 * client address and per account, in fixed windows. Each attempt takes its events before any password
 * is checked, so concurrent guesses count as surely as sequential ones, and gives them back unless it
 * failed for wrong credentials; a success forgets the account's failures. One address has one budget,
 * whichever kind of account it guesses at.
 *
 * <p>Thread-safe.
 */
public final class SignInThrottle {

    private final Throttle perAddress;
    private final Throttle perAccount;

    public SignInThrottle(SiloConfig.Login settings, Clock clock) {
        this.perAddress = Throttle.of(
                ProblemType.TOO_MANY_ATTEMPTS,
                "failed sign-ins from this address",
                settings.maxFailuresPerAddress(),
                settings.failureWindow(),
                clock);
        this.perAccount = Throttle.of(
                ProblemType.TOO_MANY_ATTEMPTS,
                "failed sign-ins for this account",
                settings.maxFailuresPerAccount(),
                settings.failureWindow(),
                clock);
    }

    /** A sign-in ready to be checked: the key of the account it claims, and the check. */
    public record Attempt<T>(String accountKey, Supplier<T> check) {}

    /**
     * Runs one sign-in from {@code clientAddress}. {@code prepare} reads the request (a mistake there is
     * a 4xx that does not count) and names the account; the account's throttle is taken before the
     * check runs.
     */
    public <T> T attempt(String clientAddress, Supplier<Attempt<T>> prepare) {
        String address = Throttle.addressKey(clientAddress);
        perAddress.acquire(address);
        Attempt<T> attempt;
        try {
            attempt = prepare.get();
            perAccount.acquire(attempt.accountKey());
        } catch (RuntimeException e) {
            perAddress.release(address);
            throw e;
        }
        try {
            T result = attempt.check().get();
            perAddress.release(address);
            perAccount.reset(attempt.accountKey());
            return result;
        } catch (RuntimeException e) {
            boolean wrongGuess =
                    e instanceof SiloException refusal && refusal.problem() == ProblemType.INVALID_CREDENTIALS;
            if (!wrongGuess) {
                perAddress.release(address);
                perAccount.release(attempt.accountKey());
            }
            throw e;
        }
    }
}
