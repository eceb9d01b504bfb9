package io.silo.client;

import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The tokens of one signed-in caller, and the rule that keeps them fresh: when several requests find
 * their access token refused at once, exactly one of them refreshes, and the others wait for it and
 * retry with the new token. A refresh token is spent by its first use (a second use is {@code
 * refresh-token-reused} and ends the session), so two refreshes at once would sign the caller out.
 *
 * <p>Thread-safe.
 */
final class Session {
    // a lock, not synchronized: the refresh is blocking I/O, which would pin a virtual thread's carrier
    private final ReentrantLock refreshing = new ReentrantLock();
    private final Consumer<Optional<Tokens>> listener;
    private volatile Optional<Tokens> tokens;

    Session(Optional<Tokens> initial, Consumer<Optional<Tokens>> listener) {
        this.tokens = initial;
        this.listener = listener;
    }

    Optional<Tokens> tokens() {
        return tokens;
    }

    Optional<String> accessToken() {
        return tokens.map(Tokens::accessToken);
    }

    void set(Optional<Tokens> next) {
        refreshing.lock();
        try {
            tokens = next;
        } finally {
            refreshing.unlock();
        }
        listener.accept(next);
    }

    /**
     * After {@code refused} was answered 401: refreshes with {@code refresher} unless another request
     * did so meanwhile. Returns the access token to retry with, or empty when there is no session to
     * refresh. A refresher that throws ends the session (its refresh token may be spent) and the
     * exception goes to the caller.
     */
    Optional<String> refreshAfter(String refused, UnaryOperator<Tokens> refresher) {
        Optional<Tokens> changed;
        refreshing.lock();
        try {
            Optional<Tokens> current = tokens;
            if (current.isEmpty()) {
                return Optional.empty();
            }
            if (!current.get().accessToken().equals(refused)) {
                return Optional.of(current.get().accessToken()); // another request refreshed already
            }
            try {
                tokens = Optional.of(refresher.apply(current.get()));
            } catch (RuntimeException e) {
                tokens = Optional.empty();
                listener.accept(Optional.empty());
                throw e;
            }
            changed = tokens;
        } finally {
            refreshing.unlock();
        }
        listener.accept(changed);
        return changed.map(Tokens::accessToken);
    }
}
