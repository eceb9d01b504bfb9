package io.silo.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.app.SiloOptions;
import io.silo.config.ConfigException;
import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import io.silo.testing.TestSilo;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An instance with another master key than the control database's refuses to start, with a clear message. */
class MasterKeyTest {

    @Test
    void wrongMasterKeyStopsStartUp() {
        Map<String, String> env = TestSilo.env(Map.of());
        TestSilo first = TestSilo.start(1, env, SiloOptions.server());
        try {
            Map<String, String> other = new HashMap<>(env);
            other.put("SILO_MASTER_KEY", Base64.getEncoder().encodeToString(io.silo.crypto.Secrets.bytes(32)));
            assertThatThrownBy(() -> Silo.start(SiloConfig.from(ConfigSource.ofEnv(other))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("master key does not match");
        } finally {
            first.close();
        }
    }
}
