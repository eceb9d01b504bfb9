package io.silo.bench.setup;

import io.silo.testing.SiloClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The users of each tenant and their access tokens: the first administrator signs in
 * ({@code POST /api/auth/login}), creates more users with the service's {@code manager} role
 * ({@code POST /api/users}), and each of them signs in too. Both hash or verify an argon2id
 * password, so this is the slow part of setting up a run.
 *
 * <p>Thread-safe.
 */
public final class Members {
    /** Tries of one sign-in answered 503. */
    private static final int SIGN_IN_ATTEMPTS = 5;

    private final SiloClient anonymous;
    private final String service;

    /** @param service the benchmarked service: every user may read and write its documents */
    public Members(SiloClient anonymous, String service) {
        this.anonymous = anonymous;
        this.service = service;
    }

    /** Tokens of {@code users} users per tenant, the first administrator's first. */
    public List<List<String>> signIn(
            List<ProvisionedTenant> tenants, int users, int concurrency, Consumer<String> progress) {
        AtomicInteger done = new AtomicInteger();
        return Parallel.map(tenants.size(), concurrency, i -> {
            List<String> tokens = signIn(tenants.get(i), users);
            if (done.incrementAndGet() % 200 == 0) {
                progress.accept("signed in the users of " + done.get() + " of " + tenants.size() + " tenants");
            }
            return tokens;
        });
    }

    private List<String> signIn(ProvisionedTenant tenant, int users) {
        List<String> tokens = new ArrayList<>();
        String adminToken = login(tenant, tenant.adminEmail());
        tokens.add(adminToken);
        SiloClient admin = anonymous.as(adminToken);
        for (int k = 1; k < users; k++) {
            String email = String.format(Locale.ROOT, "user%d@%s.bench.example", k, tenant.slug());
            SiloClient.Response created = admin.post(
                    "/api/users",
                    Map.of(
                            "email",
                            email,
                            "name",
                            "User " + k + " of " + tenant.slug(),
                            "password",
                            ProvisionedTenant.PASSWORD,
                            "services",
                            Map.of(service, "manager")));
            if (created.status() != 201) {
                throw new IllegalStateException("creating user " + email + " failed: " + created);
            }
            tokens.add(login(tenant, email));
        }
        return tokens;
    }

    /**
     * Signs in as a client should: a 503 (the database server did not answer in time, as a stalling
     * disk makes it) is tried again after its {@code Retry-After}, a few times, rather than ending a
     * run that has provisioned for ten minutes.
     */
    private String login(ProvisionedTenant tenant, String email) {
        for (int attempt = 1; ; attempt++) {
            SiloClient.Response response = anonymous.post(
                    "/api/auth/login",
                    Map.of("organization", tenant.slug(), "email", email, "password", ProvisionedTenant.PASSWORD));
            if (response.status() == 200) {
                return response.json().path("accessToken").asString();
            }
            if (response.status() != 503 || attempt == SIGN_IN_ATTEMPTS) {
                throw new IllegalStateException(
                        "signing in " + email + " failed (attempt " + attempt + "): " + response);
            }
            pause(response.header("Retry-After")
                    .filter(value -> value.matches("[0-9]{1,4}"))
                    .map(Long::parseLong)
                    .orElse(1L));
        }
    }

    private static void pause(long seconds) {
        try {
            Thread.sleep(Duration.ofSeconds(Math.clamp(seconds, 1, 10)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signing in", e);
        }
    }
}
