package io.silo.app.imports;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The UUID an imported id becomes: a name-based UUID (RFC 9562 version 5, SHA-1) of the source's
 * name and the id's text. The same source and id give the same UUID on every run and every machine,
 * so a re-run finds what the first one wrote, and a reference to an ObjectId becomes the UUID of the
 * document it names without a table of what was written. A reference does not say which collection
 * it points into, so the collection is not part of the name: ObjectIds are unique across a
 * deployment's collections already.
 *
 * <p>Stateless and thread-safe.
 */
public final class StableIds {
    /** The namespace of Silo's imports (itself a version 5 UUID of "silo-import" in the URL namespace). */
    private static final UUID NAMESPACE = UUID.fromString("5b5c7f0e-2a43-5d1e-9c77-5f3b8d6a1e20");

    private StableIds() {}

    /** The UUID of the id {@code id} (an ObjectId's hex, or any other id's text) of {@code source}. */
    public static UUID of(String source, String id) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
        sha1.update(bytes(NAMESPACE));
        sha1.update((source + "\u0000" + id).getBytes(StandardCharsets.UTF_8));
        byte[] hash = sha1.digest();
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        long most = 0;
        long least = 0;
        for (int i = 0; i < 8; i++) {
            most = (most << 8) | (hash[i] & 0xff);
            least = (least << 8) | (hash[i + 8] & 0xff);
        }
        return new UUID(most, least);
    }

    private static byte[] bytes(UUID uuid) {
        byte[] out = new byte[16];
        long most = uuid.getMostSignificantBits();
        long least = uuid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (most >>> (56 - 8 * i));
            out[i + 8] = (byte) (least >>> (56 - 8 * i));
        }
        return out;
    }
}
