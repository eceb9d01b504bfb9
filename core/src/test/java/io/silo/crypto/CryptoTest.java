package io.silo.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.error.SiloException;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CryptoTest {

    @Test
    void sealedSecretOpensOnlyWithItsKey() {
        SecretBox box = SecretBox.of(Secrets.bytes(32));
        String sealed = box.seal("role-password");

        assertThat(sealed).startsWith("v1:").doesNotContain("role-password");
        assertThat(box.open(sealed)).isEqualTo("role-password");
        assertThat(box.seal("role-password")).as("fresh nonce each time").isNotEqualTo(sealed);
        assertThatThrownBy(() -> SecretBox.of(Secrets.bytes(32)).open(sealed)).isInstanceOf(SiloException.class);
    }

    @Test
    void alteredCiphertextIsRejected() {
        SecretBox box = SecretBox.of(Secrets.bytes(32));
        String sealed = box.seal("secret");
        char last = sealed.charAt(sealed.length() - 2);
        String altered = sealed.substring(0, sealed.length() - 2)
                + (last == 'A' ? 'B' : 'A')
                + sealed.charAt(sealed.length() - 1);

        assertThatThrownBy(() -> box.open(altered)).isInstanceOf(SiloException.class);
    }

    @Test
    void passwordsHashWithArgon2idAndVerify() {
        PasswordHasher hasher = PasswordHasher.argon2id(4096, 1, 1);
        String hash = hasher.hash("correct horse battery", PasswordHasher.Claimant.SILO);

        assertThat(hash).startsWith("$argon2id$");
        assertThat(hasher.verify("correct horse battery", hash, PasswordHasher.Claimant.SILO))
                .isTrue();
        assertThat(hasher.verify("correct horse batterz", hash, PasswordHasher.Claimant.SILO))
                .isFalse();
        assertThat(hasher.verify("anything", "not-a-hash", PasswordHasher.Claimant.SILO))
                .isFalse();
    }

    /**
     * The decoy an unknown account is checked against is random bytes in argon2id's form, not a hash
     * computed when the hasher is built (which every CLI command paid for): it must still cost a
     * full argon2id run at the hasher's parameters, and match no password.
     */
    @Test
    void decoyHashHasTheHashersParametersAndMatchesNothing() {
        PasswordHasher hasher = PasswordHasher.argon2id(4096, 2, 1);
        String real = hasher.hash("correct horse battery", PasswordHasher.Claimant.SILO);
        String decoy = PasswordHasher.decoyHash(
                com.password4j.Argon2Function.getInstanceFromHash(real), new java.security.SecureRandom());

        assertThat(decoy).hasSameSizeAs(real);
        assertThat(decoy.substring(0, decoy.indexOf("$", 20))).isEqualTo(real.substring(0, real.indexOf("$", 20)));
        assertThat(hasher.needsRehash(decoy)).isFalse();
        assertThat(hasher.verify("correct horse battery", decoy, PasswordHasher.Claimant.SILO))
                .isFalse();
        long runs = hasher.runs();
        hasher.verifyDummy("correct horse battery", PasswordHasher.Claimant.SILO);
        assertThat(hasher.runs()).isEqualTo(runs + 1);
    }

    @Test
    void changedParametersAskForRehash() {
        String hash = PasswordHasher.argon2id(4096, 1, 1).hash("correct horse battery", PasswordHasher.Claimant.SILO);

        assertThat(PasswordHasher.argon2id(4096, 1, 1).needsRehash(hash)).isFalse();
        assertThat(PasswordHasher.argon2id(8192, 1, 1).needsRehash(hash)).isTrue();
        assertThat(PasswordHasher.argon2id(4096, 2, 1).needsRehash(hash)).isTrue();
    }

    @Test
    void shortPasswordIsRefusedWithReason() {
        assertThatThrownBy(() -> PasswordHasher.argon2id(4096, 1, 1).hash("short", PasswordHasher.Claimant.SILO))
                .isInstanceOf(SiloException.class)
                .hasMessageContaining("at least 10 characters")
                .extracting(e -> ((SiloException) e).type())
                .isEqualTo("weak-password");
    }

    @Test
    void idsAreVersion7UniqueAndTimeOrdered() {
        Set<UUID> seen = new HashSet<>();
        UUID previous = Ids.at(1_000);
        for (int i = 0; i < 1000; i++) {
            UUID id = Ids.at(1_000 + i);
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(seen.add(id)).isTrue();
            if (i > 0) {
                assertThat(Long.compareUnsigned(
                                id.getMostSignificantBits() >>> 16, previous.getMostSignificantBits() >>> 16))
                        .isPositive();
            }
            previous = id;
        }
    }

    @Test
    void tokensAreUrlSafeAndDigestsStable() {
        String token = Secrets.token(32);

        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(Secrets.sha256("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
