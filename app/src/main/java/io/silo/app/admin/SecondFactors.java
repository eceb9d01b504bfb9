package io.silo.app.admin;

import io.silo.app.admin.PlatformAdmins.SecondFactor;
import io.silo.crypto.RecoveryCodes;
import io.silo.crypto.SecretBox;
import io.silo.crypto.Totp;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.control.PlatformAdminStore;
import io.silo.postgres.control.PlatformAdminStore.PlatformAdmin;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * The TOTP second factor of platform administrators (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps, one
 * step of drift either way). The secret is sealed under the master key; a code is accepted once, its
 * time step remembered in the control database; recovery codes are kept as SHA-256 and spent by use.
 *
 * <p>Thread-safe.
 */
public final class SecondFactors {
    private final PlatformAdminStore store;
    private final SecretBox secrets;
    private final String issuer;
    private final Clock clock;

    /**
     * @param issuer the name an authenticator app shows above the code ({@code tokens.issuer})
     */
    public SecondFactors(PlatformAdminStore store, SecretBox secrets, String issuer, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** A begun enrollment, shown once: the secret in base32 and the {@code otpauth://} URI of a QR code. */
    public record Enrollment(String secret, String uri) {
        @Override
        public String toString() {
            return "Enrollment[secret hidden]";
        }
    }

    /** Begins (or begins again) an enrollment with a fresh secret; 409 when TOTP is already enabled. */
    Enrollment begin(PlatformAdmin admin) {
        Totp totp = Totp.generate();
        if (!store.beginTotp(admin.id(), secrets.seal(totp.secretBase32()))) {
            throw alreadyEnabled();
        }
        return new Enrollment(totp.secretBase32(), totp.uri(issuer, admin.email()));
    }

    /**
     * Enables the begun enrollment once {@code code} shows that the app holds its secret, and returns
     * the recovery codes, which exist in clear only in this answer.
     */
    List<String> confirm(PlatformAdmin admin, String code) {
        if (admin.totpEnabled()) {
            throw alreadyEnabled();
        }
        String storedSecret = admin.totpSecret()
                .orElseThrow(() -> ProblemType.SECOND_FACTOR_STATE.exception(
                        "no enrollment was begun: POST /api/admin/auth/totp first"));
        OptionalLong step = Totp.ofBase32(secrets.open(storedSecret)).matchingStep(code, clock.instant());
        if (step.isEmpty()) {
            throw ProblemType.INVALID_TOTP_CODE
                    .exception("the code does not match the secret being enrolled; check the app's clock")
                    .with("field", "code");
        }
        List<String> codes = RecoveryCodes.generate();
        List<String> hashes = codes.stream().map(RecoveryCodes::hash).toList();
        if (!store.enableTotp(admin.id(), storedSecret, step.getAsLong(), clock.instant(), hashes)) {
            throw ProblemType.SECOND_FACTOR_STATE.exception(
                    "the enrollment changed meanwhile (begun again, confirmed or reset); begin again");
        }
        return codes;
    }

    /**
     * Whether {@code factor} is a valid, unused second factor of {@code admin} now; a valid one is used
     * up by this call (its time step, or the recovery code), so a replay fails.
     */
    boolean verify(PlatformAdmin admin, SecondFactor factor, Instant now) {
        if (factor instanceof SecondFactor.RecoveryCode recovery) {
            return RecoveryCodes.looksLikeOne(recovery.code())
                    && store.useRecoveryCode(admin.id(), RecoveryCodes.hash(recovery.code()));
        }
        String code = ((SecondFactor.Code) factor).code();
        OptionalLong step = admin.totpSecret()
                .map(storedSecret -> Totp.ofBase32(secrets.open(storedSecret)).matchingStep(code, now))
                .orElse(OptionalLong.empty());
        return step.isPresent() && store.useTotpStep(admin.id(), step.getAsLong());
    }

    private static SiloException alreadyEnabled() {
        return ProblemType.SECOND_FACTOR_STATE.exception(
                "TOTP is already enabled for this administrator; an operator can reset it with 'silo admins reset-totp'");
    }
}
