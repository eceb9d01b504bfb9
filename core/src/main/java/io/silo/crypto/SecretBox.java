package io.silo.crypto;

import io.silo.error.ProblemType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts small secrets (database role passwords, signing keys) with AES-256-GCM under the
 * master key, so that a copy of the control database alone reveals none of them.
 *
 * <p>The sealed form is {@code v1:} followed by base64 of nonce and ciphertext. During a rotation
 * of the master key the box also holds the previous key: it seals under the current one and opens
 * under either (GCM's tag tells which key sealed a value), and {@link #resealed} gives what the
 * previous key sealed sealed again under the current one.
 *
 * <p>Thread-safe: every call builds its own {@link Cipher}.
 */
public final class SecretBox {
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final Optional<SecretKeySpec> previous;
    private final SecureRandom random;

    private SecretBox(byte[] key, Optional<byte[]> previous, SecureRandom random) {
        this.key = spec(key);
        this.previous = previous.map(SecretBox::spec);
        this.random = random;
    }

    /** A box sealing under the given 32-byte key. */
    public static SecretBox of(byte[] key) {
        return new SecretBox(key, Optional.empty(), new SecureRandom());
    }

    /** A box sealing under {@code key} and opening under it or, during a rotation, {@code previous}. */
    public static SecretBox of(byte[] key, Optional<byte[]> previous) {
        return new SecretBox(key, previous, new SecureRandom());
    }

    /** Encrypts {@code plaintext}; each call uses a fresh random nonce. */
    public String seal(String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed;
        try {
            sealed = cipher(Cipher.ENCRYPT_MODE, key, nonce).doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM refused to encrypt", e);
        }
        ByteBuffer out =
                ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed);
        return PREFIX + Base64.getEncoder().encodeToString(out.array());
    }

    /** Decrypts what {@link #seal} produced; fails when neither key sealed it or the text was altered. */
    public String open(String sealed) {
        byte[] all = decode(sealed);
        return opened(all, key)
                .or(() -> previous.flatMap(old -> opened(all, old)))
                .orElseThrow(() -> ProblemType.SECRET_UNREADABLE.exception(
                        "stored secret cannot be decrypted: is SILO_MASTER_KEY the key it was sealed with?"));
    }

    /**
     * What the previous key sealed, sealed again under the current key; empty when the current key
     * sealed it already. Fails like {@link #open} when neither did.
     */
    public Optional<String> resealed(String sealed) {
        byte[] all = decode(sealed);
        if (opened(all, key).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(seal(open(sealed)));
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

    private static SecretKeySpec spec(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("master key must be 32 bytes, got " + key.length);
        }
        return new SecretKeySpec(key.clone(), "AES");
    }

    private static byte[] decode(String sealed) {
        if (!sealed.startsWith(PREFIX)) {
            throw ProblemType.SECRET_UNREADABLE.exception("stored secret has an unknown format");
        }
        try {
            byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            if (all.length < NONCE_BYTES + TAG_BITS / 8) {
                throw ProblemType.SECRET_UNREADABLE.exception("stored secret is truncated");
            }
            return all;
        } catch (IllegalArgumentException e) {
            throw ProblemType.SECRET_UNREADABLE.exception("stored secret is not base64");
        }
    }

    /** The plaintext when {@code key} sealed {@code all}; empty when the tag says another key did. */
    private static Optional<String> opened(byte[] all, SecretKeySpec key) {
        byte[] nonce = Arrays.copyOfRange(all, 0, NONCE_BYTES);
        byte[] body = Arrays.copyOfRange(all, NONCE_BYTES, all.length);
        try {
            return Optional.of(
                    new String(cipher(Cipher.DECRYPT_MODE, key, nonce).doFinal(body), StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM refused to decrypt", e);
        }
    }

    private static Cipher cipher(int mode, SecretKeySpec key, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        return cipher;
    }
}
