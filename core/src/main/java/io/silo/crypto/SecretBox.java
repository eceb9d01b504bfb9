package io.silo.crypto;

import io.silo.error.ProblemType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts small secrets (database role passwords, signing keys) with AES-256-GCM under the
 * master key, so that a copy of the control database alone reveals none of them.
 *
 * <p>The sealed form is {@code v1:} followed by base64 of nonce and ciphertext. The version
 * prefix leaves room for key rotation. Thread-safe: every call builds its own {@link Cipher}.
 */
public final class SecretBox {
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random;

    private SecretBox(byte[] key, SecureRandom random) {
        if (key.length != 32) {
            throw new IllegalArgumentException("master key must be 32 bytes, got " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.random = random;
    }

    /** A box sealing under the given 32-byte key. */
    public static SecretBox of(byte[] key) {
        return new SecretBox(key, new SecureRandom());
    }

    /** Encrypts {@code plaintext}; each call uses a fresh random nonce. */
    public String seal(String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = run(Cipher.ENCRYPT_MODE, nonce, plaintext.getBytes(StandardCharsets.UTF_8));
        ByteBuffer out =
                ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed);
        return PREFIX + Base64.getEncoder().encodeToString(out.array());
    }

    /** Decrypts what {@link #seal} produced; fails when the key differs or the text was altered. */
    public String open(String sealed) {
        if (!sealed.startsWith(PREFIX)) {
            throw ProblemType.SECRET_UNREADABLE.exception("stored secret has an unknown format");
        }
        byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        byte[] nonce = java.util.Arrays.copyOfRange(all, 0, NONCE_BYTES);
        byte[] body = java.util.Arrays.copyOfRange(all, NONCE_BYTES, all.length);
        return new String(run(Cipher.DECRYPT_MODE, nonce, body), StandardCharsets.UTF_8);
    }

    /**
     * A key for another use than sealing, derived from the master key (HMAC-SHA256 of
     * {@code purpose} under it): one secret to keep, and a key of one use reveals neither the master
     * key nor a key of another use.
     */
    public byte[] derivedKey(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(("silo:" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    private byte[] run(int mode, byte[] nonce, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw ProblemType.SECRET_UNREADABLE.exception(
                    "stored secret cannot be decrypted: is SILO_MASTER_KEY the key it was sealed with?", e);
        }
    }
}
