package io.silo.bench.setup;

import io.silo.crypto.PasswordHasher;
import java.util.ArrayList;
import java.util.List;

/**
 * What one argon2id hash costs with Silo's parameters, measured in the benchmark's JVM on the same
 * machine: Silo hashes the first administrator's password when it creates an organization, and
 * the comparison with raw {@code CREATE DATABASE} sets that cost aside.
 *
 * <p>Thread-safe: stateless.
 */
public final class HashCost {
    private HashCost() {}

    /** Median and spread of {@code count} hashes after three unmeasured ones. */
    public static Timings measure(int memoryKib, int iterations, int parallelism, int count) {
        PasswordHasher hasher = PasswordHasher.argon2id(memoryKib, iterations, parallelism);
        for (int i = 0; i < 3; i++) {
            hasher.hash(ProvisionedTenant.PASSWORD, PasswordHasher.Claimant.SILO);
        }
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            hasher.hash(ProvisionedTenant.PASSWORD, PasswordHasher.Claimant.SILO);
            nanos.add(System.nanoTime() - start);
        }
        return Timings.ofNanos(nanos);
    }
}
