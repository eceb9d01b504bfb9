package io.silo.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) as authenticator apps compute them:
 * HMAC-SHA1, 6 digits, 30-second steps counted from the Unix epoch. The JDK's {@code HmacSHA1} is all
 * it takes, so no library is needed for it; {@code TotpTest} checks it against the test vectors of
 * RFC 6238 appendix B.
 *
 * <p>Thread-safe: immutable; every call builds its own {@link Mac}.
 */
public final class Totp {
    /** The length of a step; authenticator apps assume 30 seconds. */
    public static final long STEP_SECONDS = 30;

    /** Digits of a code; authenticator apps assume 6. */
    public static final int DIGITS = 6;

    /** Secret bytes: 160 bits, the HMAC-SHA1 block the RFC recommends. */
    public static final int SECRET_BYTES = 20;

    private static final Pattern CODE = Pattern.compile("[0-9]{" + DIGITS + "}");
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final byte[] secret;

    private Totp(byte[] secret) {
        this.secret = secret.clone();
    }

    /** A TOTP over {@code secret} (raw bytes). */
    public static Totp of(byte[] secret) {
        return new Totp(secret);
    }

    /** A TOTP over the secret written in base32, as {@link #secretBase32} writes it. */
    public static Totp ofBase32(String secret) {
        return new Totp(base32Decode(secret));
    }

    /** A fresh random secret of {@link #SECRET_BYTES}. */
    public static Totp generate() {
        return new Totp(Secrets.bytes(SECRET_BYTES));
    }

    /** The secret in base32 without padding: what a person types into an authenticator app. */
    public String secretBase32() {
        return base32Encode(secret);
    }

    /** The time step of an instant: whole periods since the Unix epoch. */
    public static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
    }

    /** The code of one time step, {@link #DIGITS} digits with leading zeros. */
    public String code(long step) {
        return code(step, DIGITS);
    }

    /** The HOTP value of {@code counter} with {@code digits} digits (RFC 4226 §5.3); 8 digits for the RFC's vectors. */
    public String code(long counter, int digits) {
        byte[] hash = hmac(ByteBuffer.allocate(Long.BYTES).putLong(counter).array());
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24)
                | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        long modulus = (long) Math.pow(10, digits);
        return String.format(Locale.ROOT, "%0" + digits + "d", binary % modulus);
    }

    /**
     * The step among {@code now}'s and its neighbours (one step of clock drift either way) whose code is
     * {@code code}, compared in constant time; empty when none matches or {@code code} is not 6 digits.
     */
    public OptionalLong matchingStep(String code, Instant now) {
        if (code == null || !CODE.matcher(code).matches()) {
            return OptionalLong.empty();
        }
        long current = step(now);
        OptionalLong found = OptionalLong.empty();
        for (long step = current - 1; step <= current + 1; step++) {
            // every candidate is computed and compared, so the time taken tells nothing about which matched
            boolean same = MessageDigest.isEqual(
                    code(step).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    code.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (same && found.isEmpty()) {
                found = OptionalLong.of(step);
            }
        }
        return found;
    }

    /**
     * The {@code otpauth://} URI that authenticator apps read from a QR code (the Key URI Format of
     * Google Authenticator): the issuer and account name label the entry.
     */
    public String uri(String issuer, String account) {
        String label = encode(issuer) + ":" + encode(account);
        return "otpauth://totp/" + label + "?secret=" + secretBase32() + "&issuer=" + encode(issuer)
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    private byte[] hmac(byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JDK", e);
        }
    }

    /** Base32 (RFC 4648) without padding. */
    static String base32Encode(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    /** Base32 (RFC 4648), any case, padding and spaces ignored. */
    static byte[] base32Decode(String text) {
        String clean = text.replace("=", "").replace(" ", "").toUpperCase(Locale.ROOT);
        byte[] out = new byte[clean.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int index = 0;
        for (char c : clean.toCharArray()) {
            int value = BASE32.indexOf(c);
            if (value < 0) {
                throw new IllegalArgumentException("not base32: " + c);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out[index++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return Arrays.copyOf(out, index);
    }

    @Override
    public String toString() {
        return "Totp[secret hidden]";
    }
}
