package io.silo.client;

import java.util.Objects;

/**
 * A session's tokens: the short-lived access token sent with every request and the refresh token that
 * buys the next pair. The refresh token is spent by its use: keep only the newest pair ({@link
 * SiloApi.Builder#onTokens}).
 *
 * @param expiresIn seconds the access token was valid for when issued
 */
public record Tokens(String accessToken, String refreshToken, long expiresIn) {
    public Tokens {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
    }

    @Override
    public String toString() {
        return "Tokens[expiresIn=" + expiresIn + "]"; // never the tokens themselves: toString ends up in logs
    }
}
