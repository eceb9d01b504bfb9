package io.silo.app.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.control.RevokedSessions;
import io.silo.postgres.control.SigningKeyStore;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Issues and verifies access tokens: JWTs signed with ES256 under a rotating key whose id is in
 * the header, published at {@code /.well-known/jwks.json}. Tokens are short-lived; what a caller
 * may do is in the claims, so a request needs no database round trip to authenticate.
 *
 * <p>Thread-safe.
 */
public final class TokenService {
    static final String AUDIENCE = "silo";
    private static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");

    private final SigningKeys keys;
    private final Clock clock;
    private final String issuer;
    private final Duration accessTtl;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final VerifiedTokens verified;
    private final RevokedSessions revoked;

    public TokenService(
            SigningKeyStore store,
            RevokedSessions revoked,
            Clock clock,
            String issuer,
            Duration accessTtl,
            Duration rotation) {
        this.keys = new SigningKeys(store, clock, rotation, accessTtl);
        this.revoked = revoked;
        this.clock = clock;
        this.issuer = issuer;
        this.accessTtl = accessTtl;
        this.verified = new VerifiedTokens(clock, accessTtl);
        JWKSource<SecurityContext> source = (selector, context) -> selector.select(keys.publicSet());
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYPE));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, source));
        processor.setJWTClaimsSetVerifier(
                new DefaultJWTClaimsVerifier<>(
                        AUDIENCE,
                        new JWTClaimsSet.Builder().issuer(issuer).build(),
                        Set.of("sub", "exp", "iat", "jti", "kind")) {
                    @Override
                    protected Date currentTime() {
                        return Date.from(clock.instant()); // expiry follows Silo's clock, like everything else
                    }
                });
    }

    /** A signed access token and its lifetime. */
    public record AccessToken(String token, Duration expiresIn) {
        @Override
        public String toString() {
            return "AccessToken[expires in " + expiresIn + "]";
        }
    }

    /** A token for {@code principal} in {@code session} (its refresh-token family), which may be ended early. */
    public AccessToken issue(Principal principal, UUID session) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(AUDIENCE)
                .subject(principal.id().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(accessTtl)))
                .jwtID(Secrets.token(12))
                .claim("sid", session.toString())
                .claim("kind", principal.kind());
        switch (principal) {
            case Principal.PlatformAdmin admin -> claims.claim("email", admin.email());
            case Principal.Member member ->
                claims.claim("org", member.tenantId().toString())
                        .claim("org_slug", member.tenantSlug())
                        .claim("business_type", member.businessType().orElse(null))
                        .claim("roles", new HashMap<>(member.roles()));
        }
        ECKey key = keys.current();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .keyID(key.getKeyID())
                        .type(TYPE)
                        .build(),
                claims.build());
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw SiloException.internal("cannot sign an access token", e);
        }
        return new AccessToken(jwt.serialize(), accessTtl);
    }

    /**
     * The caller named by a valid token; a forged, altered, expired or foreign token is a 401, and so is
     * the token of a session that was ended (a logout, a user deleted, disabled, demoted or given a new
     * password: {@link RevokedSessions}). A token verified before is answered from memory until it
     * expires ({@link VerifiedTokens}); its session is checked on every call.
     */
    public Principal verify(String token) {
        VerifiedTokens.Verified known = verified.find(token).orElseGet(() -> verifySignature(token));
        if (known.session().filter(revoked::isRevoked).isPresent()) {
            throw ProblemType.INVALID_TOKEN.exception("the session of this access token has ended; sign in again");
        }
        return known.principal();
    }

    private VerifiedTokens.Verified verifySignature(String token) {
        try {
            keys.reloadIfUnknown(SignedJWT.parse(token).getHeader().getKeyID());
            JWTClaimsSet claims = processor.process(token, null);
            Optional<UUID> session =
                    Optional.ofNullable(claims.getStringClaim("sid")).map(UUID::fromString);
            return verified.remember(
                    token,
                    principal(claims),
                    session,
                    claims.getExpirationTime().toInstant());
        } catch (ParseException | BadJOSEException | JOSEException | IllegalArgumentException | ClassCastException e) {
            throw ProblemType.INVALID_TOKEN.exception("access token is invalid or expired");
        }
    }

    /** The published public keys as a JWK Set document. */
    public Map<String, Object> jwks() {
        return keys.publicSet().toJSONObject(true);
    }

    private static Principal principal(JWTClaimsSet claims) throws ParseException {
        UUID subject = UUID.fromString(claims.getSubject());
        return switch (claims.getStringClaim("kind")) {
            case "admin" -> new Principal.PlatformAdmin(subject, claims.getStringClaim("email"));
            case "user" ->
                new Principal.Member(
                        subject,
                        UUID.fromString(claims.getStringClaim("org")),
                        claims.getStringClaim("org_slug"),
                        Optional.ofNullable(claims.getStringClaim("business_type")),
                        roles(claims.getJSONObjectClaim("roles")));
            default -> throw new IllegalArgumentException("unknown token kind");
        };
    }

    private static Map<String, String> roles(Map<String, Object> raw) {
        Map<String, String> roles = new HashMap<>();
        if (raw != null) {
            raw.forEach((service, role) -> roles.put(service, (String) role));
        }
        return roles;
    }
}
