package io.silo.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import io.silo.testing.SiloClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With no database configured Silo runs its own PostgreSQL, and a restart keeps everything. */
class EmbeddedRestartTest {

    @Test
    void secondStartReusesTheEmbeddedDataAndStopsCleanly(@TempDir Path dataDir) {
        Map<String, String> env = Map.of(
                "SILO_DATA_DIR", dataDir.toString(),
                "SILO_HTTP_PORT", "0",
                "SILO_ADMIN_EMAIL", "ops@example.com",
                "SILO_ADMIN_PASSWORD", "first-password-1",
                "SILO_EMBEDDED_FSYNC", "false",
                "SILO_PASSWORDS_MEMORY_KIB", "4096",
                "SILO_PASSWORDS_ITERATIONS", "1");
        String kid;
        try (Silo silo = Silo.start(SiloConfig.from(ConfigSource.ofEnv(env)))) {
            SiloClient client = new SiloClient(silo.uri());
            assertThat(client.get("/api/health").status()).isEqualTo(200);
            client.login("/api/admin/auth/login", Map.of("email", "ops@example.com", "password", "first-password-1"));
            kid = client.get("/.well-known/jwks.json")
                    .json()
                    .path("keys")
                    .get(0)
                    .path("kid")
                    .asString();
        }
        assertThat(dataDir.resolve("postgres/pgdata/postmaster.pid")).doesNotExist();
        assertThat(dataDir.resolve("master.key")).exists();

        Map<String, String> changed = new java.util.HashMap<>(env);
        changed.put("SILO_ADMIN_PASSWORD", "second-password-2");
        try (Silo silo = Silo.start(SiloConfig.from(ConfigSource.ofEnv(changed)))) {
            SiloClient client = new SiloClient(silo.uri());
            assertThat(client.post(
                                    "/api/admin/auth/login",
                                    Map.of("email", "ops@example.com", "password", "first-password-1"))
                            .status())
                    .as("the administrator of the first start is kept, not re-created")
                    .isEqualTo(200);
            assertThat(client.get("/.well-known/jwks.json").json().path("keys").findValuesAsString("kid"))
                    .contains(kid);
        }
        assertThat(Files.exists(dataDir.resolve("postgres/superuser.password"))).isTrue();
    }
}
