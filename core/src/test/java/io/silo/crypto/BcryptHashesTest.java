package io.silo.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.password4j.BcryptFunction;
import com.password4j.Password;
import com.password4j.types.Bcrypt;
import org.junit.jupiter.api.Test;

/**
 * Accounts imported from MongoDB systems (issue 17) bring bcrypt hashes: they must be checked as they
 * are, and always be rehashed to argon2id after their first good sign-in.
 */
class BcryptHashesTest {
    private final PasswordHasher hasher = PasswordHasher.argon2id(4096, 1, 1);

    @Test
    void bcryptHashesOfEveryPrefixAreCheckedAndAskForARehash() {
        for (Bcrypt prefix : new Bcrypt[] {Bcrypt.A, Bcrypt.B, Bcrypt.Y}) {
            String hash = Password.hash("short1")
                    .with(BcryptFunction.getInstance(prefix, 4))
                    .getResult();
            assertThat(PasswordHasher.isBcrypt(hash)).as(hash).isTrue();
            assertThat(hasher.verify("short1", hash, PasswordHasher.Claimant.SILO))
                    .as(hash)
                    .isTrue();
            assertThat(hasher.verify("short2", hash, PasswordHasher.Claimant.SILO))
                    .as(hash)
                    .isFalse();
            assertThat(hasher.needsRehash(hash)).as(hash).isTrue();
        }
    }

    @Test
    void aHashFromAnotherBcryptImplementationIsChecked() {
        // OpenBSD's test vector for "U*U", as bcryptjs and passlib write it too
        String hash = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
        assertThat(hasher.verify("U*U", hash, PasswordHasher.Claimant.SILO)).isTrue();
        assertThat(hasher.verify("U*V", hash, PasswordHasher.Claimant.SILO)).isFalse();
    }

    @Test
    void aRehashSkipsThePolicyWhichAppliesWhenAPasswordIsChosen() {
        String argon = hasher.rehash("short1", PasswordHasher.Claimant.SILO);
        assertThat(argon).startsWith("$argon2id$");
        assertThat(hasher.verify("short1", argon, PasswordHasher.Claimant.SILO)).isTrue();
        assertThat(hasher.needsRehash(argon)).isFalse();
        assertThat(PasswordHasher.isBcrypt(argon)).isFalse();
    }
}
