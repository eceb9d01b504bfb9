package io.silo.client;

import java.net.URI;
import java.time.Instant;

/**
 * A URL that reads one file without a token until {@code expiresAt}; it cannot be revoked. {@code url}
 * is absolute: the server's path resolved against the client's base URI.
 *
 * <p>Immutable.
 */
public record SignedUrl(URI url, Instant expiresAt) {}
