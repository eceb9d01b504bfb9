package io.silo.crypto;

import io.silo.error.ProblemType;
import java.util.Optional;

/**
 * What a new password must be: at least {@code minLength} characters, at most {@value #MAX_LENGTH},
 * not blank. Length is what matters (NIST SP 800-63B); there are no composition rules.
 *
 * <p>The deployment sets the floor ({@code passwords.minLength}, {@value #DEFAULT_MIN_LENGTH} by
 * default); an organization may only raise it ({@link #forOrganization}). The one way below the
 * floor is {@link #demoAccounts()}, for the demo loader's own accounts, which no HTTP route can ask for.
 *
 * @param minLength the fewest characters a password may have, 1 to {@value #MAX_LENGTH}
 */
public record PasswordPolicy(int minLength) {
    /** The deployment's floor unless configured otherwise. */
    public static final int DEFAULT_MIN_LENGTH = 10;

    /** No password is longer: argon2id of a longer one would cost a client nothing and Silo much. */
    public static final int MAX_LENGTH = 1024;

    /** The least a deployment may configure as its floor. */
    public static final int LOWEST_DEPLOYMENT_MIN_LENGTH = 8;

    /** The demo accounts' passwords are the seeds' own ({@code cnf123}): six characters. */
    private static final int DEMO_MIN_LENGTH = 6;

    public PasswordPolicy {
        if (minLength < 1 || minLength > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "a password's minimum length must be 1 to " + MAX_LENGTH + ", got " + minLength);
        }
    }

    /** The deployment default: {@value #DEFAULT_MIN_LENGTH} characters. */
    public static PasswordPolicy standard() {
        return new PasswordPolicy(DEFAULT_MIN_LENGTH);
    }

    /**
     * The policy of the demo loader's own accounts only (the seeds' published demo passwords are as
     * short as six characters). Only in-process code can hold it: no request body, route or
     * configuration key maps to it, so no HTTP caller can relax a policy; a demo instance says so and
     * listens on 127.0.0.1.
     */
    public static PasswordPolicy demoAccounts() {
        return new PasswordPolicy(DEMO_MIN_LENGTH);
    }

    /**
     * This (deployment) policy made stricter by an organization's own minimum, when it has one; an
     * organization's lower minimum never lowers the deployment's.
     */
    public PasswordPolicy forOrganization(Optional<Integer> organizationMinLength) {
        return organizationMinLength
                .filter(min -> min > minLength)
                .map(PasswordPolicy::new)
                .orElse(this);
    }

    /** Refuses a password this policy does not admit with 422 {@code weak-password}, a message a user can act on. */
    public void check(String password) {
        if (password == null || password.length() < minLength) {
            throw ProblemType.WEAK_PASSWORD
                    .exception("password must have at least " + minLength + " characters")
                    .with("minLength", minLength);
        }
        if (password.length() > MAX_LENGTH) {
            throw ProblemType.WEAK_PASSWORD.exception("password must have at most " + MAX_LENGTH + " characters");
        }
        if (password.isBlank()) {
            throw ProblemType.WEAK_PASSWORD.exception("password must not be blank");
        }
    }
}
