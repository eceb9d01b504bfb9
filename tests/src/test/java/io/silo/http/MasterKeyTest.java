package io.silo.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.app.SiloOptions;
import io.silo.audit.AuditEntry;
import io.silo.config.ConfigException;
import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The master key: an instance with another key than the control database's refuses to start, with
 * a clear message; a rotation (new key, old key as the previous one, re-seal, old key gone) loses
 * no secret and fails no request.
 */
class MasterKeyTest {
    private static final String PRODUCTS = "/api/data/pos/products";
    private static final AuditEntry.Actor OPERATOR =
            new AuditEntry.Actor("operator", "test", "silo-cli", "", "silo-cli", "");

    @Test
    void wrongMasterKeyStopsStartUp() {
        Map<String, String> env = TestSilo.env(Map.of());
        TestSilo first = TestSilo.start(1, env, SiloOptions.server());
        try {
            Map<String, String> other = with(env, Map.of("SILO_MASTER_KEY", newKey()));
            assertThatThrownBy(() -> Silo.start(SiloConfig.from(ConfigSource.ofEnv(other))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("master key does not match");
        } finally {
            first.close();
        }
    }

    @Test
    void aRotatedMasterKeyOpensWhatTheOldOneSealedUntilResealedThenTheOldKeyCanGo() {
        String oldKey = newKey();
        String rotated = newKey();
        Map<String, String> env = TestSilo.env(Map.of("SILO_MASTER_KEY", oldKey));
        TestTenant before;
        String bottle;
        try (TestSilo first = TestSilo.start(1, env, SiloOptions.server())) {
            before = TestTenants.create(first.client(), "Sealed Before", List.of("pos"));
            bottle = created(before.client(), "Gin");
        }

        Map<String, String> rolling = with(env, Map.of("SILO_MASTER_KEY", rotated, "SILO_MASTER_PREVIOUS_KEY", oldKey));
        TestTenant after;
        try (TestSilo during = resume(rolling)) {
            SiloClient beforeAdmin = signIn(during, before);
            assertThat(beforeAdmin.get(PRODUCTS + "/" + bottle).status())
                    .as("the tenant role's password, sealed under the old key, still opens")
                    .isEqualTo(200);
            after = TestTenants.create(during.client(), "Sealed After", List.of("pos"));
            created(after.client(), "Rum");

            Map<String, Integer> resealed =
                    during.silo().application().masterKeyRotation().reseal(OPERATOR);
            assertThat(resealed).containsEntry("tenants", 1).containsEntry("control_settings", 1);
            assertThat(resealed.get("signing_keys")).isPositive();
            assertThat(during.silo().application().masterKeyRotation().reseal(OPERATOR))
                    .as("a second run finds nothing left under the old key")
                    .allSatisfy((table, count) -> assertThat(count).as(table).isZero());
            assertThat(created(beforeAdmin, "Vodka")).isNotBlank();
            assertThat(during.control()
                            .query(
                                    "SELECT count(*) FROM audit_log WHERE action = 'master-key.reseal'",
                                    row -> row.getLong(1)))
                    .containsExactly(2L);
        }

        try (TestSilo done = resume(with(env, Map.of("SILO_MASTER_KEY", rotated)))) {
            assertThat(signIn(done, before).get(PRODUCTS + "/" + bottle).status())
                    .isEqualTo(200);
            assertThat(created(signIn(done, after), "Tequila")).isNotBlank();
        }
        assertThatThrownBy(() -> resume(with(env, Map.of("SILO_MASTER_KEY", oldKey))))
                .as("once re-sealed, the old key alone no longer starts an instance")
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("master key does not match");
    }

    private static TestSilo resume(Map<String, String> env) {
        return TestSilo.resume(SiloConfig.from(ConfigSource.ofEnv(env)), SiloOptions.server());
    }

    private static SiloClient signIn(TestSilo silo, TestTenant tenant) {
        return TestTenants.signIn(silo.client(), tenant.slug(), tenant.adminEmail(), TestTenants.PASSWORD);
    }

    private static String created(SiloClient client, String name) {
        SiloClient.Response created =
                client.post(PRODUCTS, Map.of("name", name, "sku", name.toUpperCase() + "-1", "price", 20, "stock", 5));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().path("_id").asString();
    }

    private static Map<String, String> with(Map<String, String> env, Map<String, String> changes) {
        Map<String, String> changed = new HashMap<>(env);
        changed.remove("SILO_MASTER_PREVIOUS_KEY");
        changed.putAll(changes);
        return changed;
    }

    private static String newKey() {
        return Base64.getEncoder().encodeToString(io.silo.crypto.Secrets.bytes(32));
    }
}
