package io.silo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code silo admins …} acts on a running instance's platform administrators through the control
 * database: the running instance sees the lift of a lockout at once, and stops honouring the tokens of
 * an administrator the operator disabled (the revocation reaches it through the database).
 */
@SiloTest
class AdminsCommandTest {

    @Test
    void unlockLiftsTheLockoutOfARunningInstanceAndIsAudited(TestSilo silo, SiloClient client, @TempDir Path dir)
            throws IOException {
        Path config = CliConfigs.of(silo.config(), dir);
        // locked as by repeated failures (AdminLockoutTest shows those; here the instance's own throttle would answer
        // first)
        silo.control()
                .update(
                        "UPDATE platform_admins SET locked_until = now() + interval '10 minutes' WHERE email = ?",
                        TestSilo.ADMIN_EMAIL);
        assertThat(login(client, TestSilo.ADMIN_PASSWORD).problemType()).isEqualTo("account-locked");

        StringWriter out = new StringWriter();
        assertThat(run(out, "admins", "list", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains(TestSilo.ADMIN_EMAIL, "locked until");
        assertThat(run(new StringWriter(), "admins", "unlock", TestSilo.ADMIN_EMAIL, "--config", config.toString()))
                .isZero();

        assertThat(login(client, TestSilo.ADMIN_PASSWORD).status()).isEqualTo(200);
        assertThat(silo.control()
                        .query(
                                "SELECT actor_kind FROM audit_log WHERE action = 'admin.unlock'",
                                row -> row.getString(1)))
                .containsExactly("operator");
        assertThat(run(new StringWriter(), "admins", "unlock", "nobody@silo.test", "--config", config.toString()))
                .as("an unknown administrator")
                .isEqualTo(1);
    }

    @Test
    void disableEndsTheSessionsOnTheRunningInstance(TestSilo silo, SiloClient client, @TempDir Path dir)
            throws IOException {
        Path config = CliConfigs.of(silo.config(), dir);
        silo.control()
                .update(
                        "INSERT INTO platform_admins (id, email, name, password_hash) SELECT gen_random_uuid(),"
                                + " 'second@silo.test', 'Second', password_hash FROM platform_admins WHERE email = ?",
                        TestSilo.ADMIN_EMAIL);
        SiloClient second = client.as(client.post(
                        "/api/admin/auth/login",
                        Map.of("email", "second@silo.test", "password", TestSilo.ADMIN_PASSWORD))
                .json()
                .path("accessToken")
                .asString());
        assertThat(second.get("/api/admin/pools").status()).isEqualTo(200);

        assertThat(run(new StringWriter(), "admins", "disable", "second@silo.test", "--config", config.toString()))
                .isZero();

        assertThat(io.silo.testing.Eventually.get(
                        java.time.Duration.ofSeconds(5),
                        () -> second.get("/api/admin/pools").status(),
                        status -> status == 401))
                .isEqualTo(401);
    }

    private static SiloClient.Response login(SiloClient client, String password) {
        return client.post("/api/admin/auth/login", Map.of("email", TestSilo.ADMIN_EMAIL, "password", password));
    }

    private static int run(StringWriter out, String... args) {
        StringWriter err = new StringWriter();
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }
}
