package io.silo.http.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Random;

/**
 * Credentials that must authenticate nobody: access tokens signed with a key of our own (under the
 * server's key id), payloads swapped between the tenants under the original signature, HS256 and
 * {@code alg: none}, tokens expired or revoked, refresh tokens and signed file URLs used as access
 * tokens; and signed file URLs bent to name the other tenant's file, prolonged or re-signed.
 *
 * <p>Not thread-safe.
 */
final class Forgery {
    private final ECKey ownKey;
    private final Random random;

    Forgery(Random random) {
        this.random = random;
        try {
            this.ownKey = new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make an EC key", e);
        }
    }

    /**
     * The forged callers: {@code betaExpired} is a genuine access token of B that expired, {@code alphaRevoked}
     * one of A whose session ended.
     */
    List<Caller> callers(TenantSide alpha, TenantSide beta, String betaExpired, String alphaRevoked) {
        String alphaToken = alpha.admin().accessToken();
        List<Caller> callers = new ArrayList<>();
        callers.add(Caller.forged("forged:own-key", "Bearer " + signedWithOwnKey(alphaToken, false)));
        callers.add(Caller.forged("forged:own-key-expired", "Bearer " + signedWithOwnKey(alphaToken, true)));
        callers.add(Caller.forged("forged:b-payload-to-a", "Bearer " + swapped(betaExpired, beta, alpha)));
        callers.add(Caller.forged("forged:a-payload-to-b", "Bearer " + swapped(alphaToken, alpha, beta)));
        callers.add(Caller.forged("forged:hs256", "Bearer " + hmac(alphaToken)));
        callers.add(Caller.forged("forged:alg-none", "Bearer " + unsigned(alphaToken)));
        callers.add(Caller.forged("expired:b", "Bearer " + betaExpired));
        callers.add(Caller.forged("revoked:a", "Bearer " + alphaRevoked));
        beta.deadRefreshTokens.stream()
                .findFirst()
                .ifPresent(token -> callers.add(Caller.forged("refresh-token-of-b", "Bearer " + token)));
        beta.fileUrlTokens.stream()
                .findFirst()
                .ifPresent(token -> callers.add(Caller.forged("file-url-of-b", "Bearer " + token)));
        callers.add(Caller.forged("garbage", "Bearer not.a.token"));
        callers.add(Caller.forged("basic", "Basic " + base64("admin@silo.test:test-admin-password")));
        callers.add(Caller.forged("empty-bearer", "Bearer "));
        return callers;
    }

    /** A signed file URL token bent: to name A's file or B's under the other's signature, prolonged, or re-signed. */
    String bentFileUrl(String betaToken, TenantSide alpha, TenantSide.StoredFile alphaFile) {
        return switch (random.nextInt(4)) {
            case 0 ->
                replacePayload(
                        betaToken,
                        payload(betaToken)
                                .replaceAll("\"org\":\"[^\"]+\"", "\"org\":\"" + alpha.id + "\"")
                                .replaceAll("\"doc\":\"[^\"]+\"", "\"doc\":\"" + alphaFile.documentId() + "\"")
                                .replaceAll("\"file\":\"[^\"]+\"", "\"file\":\"" + alphaFile.fileId() + "\""));
            case 1 -> replacePayload(betaToken, payload(betaToken).replaceAll("\"exp\":\\d+", "\"exp\":4102444800"));
            case 2 -> hmac(betaToken);
            default -> unsigned(betaToken);
        };
    }

    private String signedWithOwnKey(String genuine, boolean expired) {
        try {
            SignedJWT original = SignedJWT.parse(genuine);
            JWTClaimsSet claims = new JWTClaimsSet.Builder(original.getJWTClaimsSet())
                    .expirationTime(Date.from(
                            expired
                                    ? Instant.now().minusSeconds(3600)
                                    : Instant.now().plusSeconds(3600)))
                    .build();
            SignedJWT forged = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.ES256)
                            .keyID(original.getHeader().getKeyID())
                            .type(original.getHeader().getType())
                            .build(),
                    claims);
            forged.sign(new ECDSASigner(ownKey));
            return forged.serialize();
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("cannot forge a token", e);
        }
    }

    private static String swapped(String token, TenantSide from, TenantSide to) {
        String payload = payload(token)
                .replace(from.id, to.id)
                .replace(from.slug, to.slug)
                .replace(from.admin().id(), to.admin().id());
        return replacePayload(token, payload);
    }

    private static String hmac(String token) {
        try {
            SignedJWT hmac = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .type(new JOSEObjectType("at+jwt"))
                            .build(),
                    JWTClaimsSet.parse(payload(token)));
            hmac.sign(new MACSigner(new byte[32]));
            return hmac.serialize();
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("cannot forge a token", e);
        }
    }

    private static String unsigned(String token) {
        return base64("{\"alg\":\"none\"}") + "." + token.split("\\.")[1] + ".";
    }

    private static String payload(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    private static String replacePayload(String token, String payload) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + base64(payload) + "." + parts[2];
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
