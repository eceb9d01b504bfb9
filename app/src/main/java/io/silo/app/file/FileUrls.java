package io.silo.app.file;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.UUID;

/**
 * The tokens of signed file URLs: a JWT (HS256, {@code typ: file+jwt}) naming the organization,
 * service, collection, document and file, and when it stops working, under a key derived from the
 * master key. Every instance of a deployment shares that key, so any of them verifies what another
 * signed; nobody without it can make, change or prolong one. No state is kept: a URL cannot be
 * revoked, which is why it lives minutes.
 *
 * <p>Thread-safe.
 */
final class FileUrls {
    private static final JOSEObjectType TYPE = new JOSEObjectType("file+jwt");

    private final byte[] key;
    private final Clock clock;

    /** @param key 32 bytes or more, e.g. {@code SecretBox.derivedKey("file-urls")} */
    FileUrls(byte[] key, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("an HS256 key needs 32 bytes, got " + key.length);
        }
        this.key = key.clone();
        this.clock = clock;
    }

    /** What a token grants: one file, until {@code expiresAt}. */
    record Grant(UUID tenantId, String service, String collection, UUID documentId, UUID fileId, Instant expiresAt) {}

    String sign(Grant grant) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .claim("org", grant.tenantId().toString())
                .claim("svc", grant.service())
                .claim("col", grant.collection())
                .claim("doc", grant.documentId().toString())
                .claim("file", grant.fileId().toString())
                .expirationTime(Date.from(grant.expiresAt()))
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).type(TYPE).build(), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw SiloException.internal("cannot sign a file URL", e);
        }
        return jwt.serialize();
    }

    /** When a grant made now for {@code ttl} ends: whole seconds, as a JWT keeps it. */
    Instant expiry(Duration ttl) {
        return clock.instant().plus(ttl).truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * The grant of a token this deployment signed, while it lasts: a forged, altered or foreign token
     * is {@code file-url-invalid} (403), an expired one {@code file-url-expired} (410). The signature is
     * checked first, so that nothing is told about a token someone made up.
     */
    Grant verify(String token) {
        Grant grant;
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())
                    || !TYPE.equals(jwt.getHeader().getType())
                    || !jwt.verify(new MACVerifier(key))) {
                throw invalid();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (claims.getExpirationTime() == null) {
                throw invalid();
            }
            grant = new Grant(
                    UUID.fromString(claim(claims, "org")),
                    claim(claims, "svc"),
                    claim(claims, "col"),
                    UUID.fromString(claim(claims, "doc")),
                    UUID.fromString(claim(claims, "file")),
                    claims.getExpirationTime().toInstant());
        } catch (ParseException | JOSEException | IllegalArgumentException e) {
            throw invalid();
        }
        if (!clock.instant().isBefore(grant.expiresAt())) {
            throw ProblemType.FILE_URL_EXPIRED.exception(
                    "this file URL expired at " + grant.expiresAt() + "; ask for a new one");
        }
        return grant;
    }

    private static String claim(JWTClaimsSet claims, String name) throws ParseException {
        String value = claims.getStringClaim(name);
        if (value == null) {
            throw invalid();
        }
        return value;
    }

    private static SiloException invalid() {
        return ProblemType.FILE_URL_INVALID.exception("this file URL is not one this server signed, or it was altered");
    }
}
