package io.silo.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.config.ConfigException;
import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 17: the deployment's floor, an organization's stricter minimum, and the demo accounts' exception. */
class PasswordPolicyTest {
    @Test
    void theDeploymentFloorIsTenUnlessConfiguredAndNeverBelowEight() {
        assertThat(SiloConfig.from(ConfigSource.ofEnv(Map.of())).passwords().minLength())
                .isEqualTo(10);
        assertThat(SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_PASSWORDS_MIN_LENGTH", "14")))
                        .passwords()
                        .minLength())
                .isEqualTo(14);
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_PASSWORDS_MIN_LENGTH", "6"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("passwords.minLength");
    }

    @Test
    void anOrganizationOnlyRaisesTheFloor() {
        PasswordPolicy floor = PasswordPolicy.standard();

        assertThat(floor.forOrganization(Optional.empty()).minLength()).isEqualTo(10);
        assertThat(floor.forOrganization(Optional.of(4)).minLength()).isEqualTo(10);
        assertThat(floor.forOrganization(Optional.of(16)).minLength()).isEqualTo(16);
    }

    @Test
    void aRefusalNamesTheMinimumInForce() {
        assertThatThrownBy(() -> new PasswordPolicy(12).check("eleven-char"))
                .isInstanceOfSatisfying(SiloException.class, e -> {
                    assertThat(e.problem()).isEqualTo(ProblemType.WEAK_PASSWORD);
                    assertThat(e.getMessage()).contains("12");
                });
        assertThatThrownBy(() -> PasswordPolicy.demoAccounts().check("            "))
                .isInstanceOf(SiloException.class);
        PasswordPolicy.demoAccounts().check("cnf123");
        assertThatThrownBy(() -> PasswordPolicy.demoAccounts().check("cnf12")).isInstanceOf(SiloException.class);
    }

    @Test
    void aRehashChecksNoPolicySoARaisedOneNeverLocksOutASignIn() {
        PasswordHasher hasher = PasswordHasher.argon2id(1024, 1, 1, 2, new PasswordPolicy(20));

        String hash = hasher.rehash("only-twelve!", PasswordHasher.Claimant.SILO);

        assertThat(hasher.verify("only-twelve!", hash, PasswordHasher.Claimant.SILO))
                .isTrue();
        assertThatThrownBy(() -> hasher.hash("only-twelve!", PasswordHasher.Claimant.SILO))
                .isInstanceOf(SiloException.class);
    }
}
