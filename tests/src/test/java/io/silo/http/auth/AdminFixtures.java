package io.silo.http.auth;

import io.silo.crypto.PasswordHasher;
import io.silo.postgres.control.PlatformAdminStore;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import java.util.Map;
import java.util.UUID;

/** Further platform administrators for tests, each its own, so one test's lockout is not another's. */
final class AdminFixtures {
    static final String PASSWORD = "admin-password-42";

    private AdminFixtures() {}

    /** Stores an administrator with {@link #PASSWORD}, as the first start stores the first one. */
    static String create(TestSilo silo, String email) {
        new PlatformAdminStore(silo.control())
                .createIfAbsent(
                        UUID.randomUUID(),
                        email,
                        "Operator",
                        PasswordHasher.argon2id(4096, 1, 1).hash(PASSWORD, PasswordHasher.Claimant.SILO));
        return email;
    }

    static SiloClient.Response login(SiloClient client, String email, String password) {
        return client.post("/api/admin/auth/login", Map.of("email", email, "password", password));
    }

    static SiloClient.Response login(SiloClient client, String email, String password, String factor, String code) {
        return client.post("/api/admin/auth/login", Map.of("email", email, "password", password, factor, code));
    }
}
