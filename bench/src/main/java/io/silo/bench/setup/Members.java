package io.silo.bench.setup;

import io.silo.bench.system.Pause;
import io.silo.testing.SiloClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The users of each tenant and their access tokens: the first administrator signs in
 * ({@code POST /api/auth/login}), creates more users with the service's {@code manager} role
 * ({@code POST /api/users}), and each of them signs in too. Both hash or verify an argon2id
 * password, so this is the slow part of setting up a run.
 *
 * <p>Thread-safe.
 */
public final class Members {
    /** How long one request answered 503 is tried again: the disk of a virtual machine can stall for longer than a minute. */
    private static final Duration RETRY_FOR = Duration.ofMinutes(2);

    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(16);

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
            List<String> tokens = signIn(tenants.get(i), users, progress);
            if (done.incrementAndGet() % 200 == 0) {
                progress.accept("signed in the users of " + done.get() + " of " + tenants.size() + " tenants");
            }
            return tokens;
        });
    }

    private List<String> signIn(ProvisionedTenant tenant, int users, Consumer<String> progress) {
        List<String> tokens = new ArrayList<>();
        String adminToken = login(tenant, tenant.adminEmail(), progress);
        tokens.add(adminToken);
        SiloClient admin = anonymous.as(adminToken);
        for (int k = 1; k < users; k++) {
            String email = String.format(Locale.ROOT, "user%d@%s.bench.example", k, tenant.slug());
            Map<String, Object> user = Map.of(
                    "email",
                    email,
                    "name",
                    "User " + k + " of " + tenant.slug(),
                    "password",
                    ProvisionedTenant.PASSWORD,
                    "services",
                    Map.of(service, "manager"));
            SiloClient.Response created =
                    withRetries("creating user " + email, () -> admin.post("/api/users", user), progress);
            if (created.status() != 201) {
                throw new IllegalStateException("creating user " + email + " failed: " + created);
            }
            tokens.add(login(tenant, email, progress));
        }
        return tokens;
    }

    private String login(ProvisionedTenant tenant, String email, Consumer<String> progress) {
        SiloClient.Response response = withRetries(
                "signing in " + email,
                () -> anonymous.post(
                        "/api/auth/login",
                        Map.of("organization", tenant.slug(), "email", email, "password", ProvisionedTenant.PASSWORD)),
                progress);
        if (response.status() != 200) {
            throw new IllegalStateException("signing in " + email + " failed: " + response);
        }
        return response.json().path("accessToken").asString();
    }

    /**
     * Sends a request as a client should: one answered 503 (the database server did not answer in
     * time, as a stalling disk makes it) is sent again after its {@code Retry-After}, doubled at each
     * try up to {@link #LONGEST_PAUSE}, for {@link #RETRY_FOR}, rather than ending a run that has
     * provisioned for ten minutes. Each retry is told to {@code progress}.
     */
    private static SiloClient.Response withRetries(
            String what, Supplier<SiloClient.Response> request, Consumer<String> progress) {
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        Duration pause = Duration.ZERO;
        while (true) {
            SiloClient.Response response = request.get();
            if (response.status() != 503 || System.nanoTime() > deadline) {
                return response;
            }
            Duration asked = response.header("Retry-After")
                    .filter(value -> value.matches("[0-9]{1,4}"))
                    .map(value -> Duration.ofSeconds(Long.parseLong(value)))
                    .orElse(Duration.ofSeconds(1));
            pause = max(asked, min(pause.multipliedBy(2), LONGEST_PAUSE));
            progress.accept("warning: " + what + " got 503 (" + response.problemType() + "); trying again in "
                    + pause.toSeconds() + " s");
            Pause.sleep(pause, "waiting to try " + what + " again");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
