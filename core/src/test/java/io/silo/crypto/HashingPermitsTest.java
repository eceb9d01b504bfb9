package io.silo.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Hashing permits go round the organizations, then the addresses within one, not first come first served. */
class HashingPermitsTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final PasswordHasher.Claimant FLOOD = new PasswordHasher.Claimant("acme", "10.0.0.1");

    @Test
    void anotherOrganizationIsServedAtTheNextFreePermitHoweverLongTheFlood() throws Exception {
        HashingPermits permits = new HashingPermits(1, 8);
        assertThat(permits.acquire(FLOOD, LONG)).isTrue();
        List<String> order = new CopyOnWriteArrayList<>();
        // one permit, held: the flood queues first, five of its requests, then one sign-in of another organization
        List<Thread> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(waitFor(permits, FLOOD, "acme-" + i, order));
            awaitQueued(permits, i + 1);
        }
        waiting.add(waitFor(permits, new PasswordHasher.Claimant("globex", "10.0.0.2"), "globex", order));
        awaitQueued(permits, 6);

        for (int i = 0; i < 6; i++) {
            permits.release();
            awaitGranted(order, i + 1);
        }
        for (Thread thread : waiting) {
            thread.join();
        }

        assertThat(order).startsWith("acme-0", "globex").containsSubsequence("acme-1", "acme-2", "acme-3", "acme-4");
        assertThat(permits.granted()).isEqualTo(7);
        assertThat(permits.queued()).isZero();
    }

    @Test
    void withinAnOrganizationAddressesTakeTurns() throws Exception {
        HashingPermits permits = new HashingPermits(1, 8);
        assertThat(permits.acquire(FLOOD, LONG)).isTrue();
        List<String> order = new CopyOnWriteArrayList<>();
        waitFor(permits, FLOOD, "flood-0", order);
        awaitQueued(permits, 1);
        waitFor(permits, FLOOD, "flood-1", order);
        awaitQueued(permits, 2);
        waitFor(permits, new PasswordHasher.Claimant("acme", "10.0.0.9"), "colleague", order);
        awaitQueued(permits, 3);

        for (int i = 0; i < 3; i++) {
            permits.release();
            awaitGranted(order, i + 1);
        }

        assertThat(order).containsExactly("flood-0", "colleague", "flood-1");
    }

    @Test
    void aClaimantWithItsMostRequestsWaitingIsRefusedAtOnce() throws Exception {
        HashingPermits permits = new HashingPermits(1, 1);
        assertThat(permits.acquire(FLOOD, LONG)).isTrue();
        waitFor(permits, FLOOD, "waiting", new CopyOnWriteArrayList<>());
        awaitQueued(permits, 1);

        long start = System.nanoTime();
        assertThat(permits.acquire(FLOOD, LONG)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LONG);
        assertThat(permits.acquire(new PasswordHasher.Claimant("acme", "10.0.0.3"), Duration.ofMillis(10)))
                .as("another address waits its turn, and gives up when none comes in time")
                .isFalse();
        assertThat(permits.queued()).isEqualTo(1);
        permits.release();
    }

    private static Thread waitFor(
            HashingPermits permits, PasswordHasher.Claimant who, String name, List<String> order) {
        CountDownLatch started = new CountDownLatch(1);
        Thread thread = Thread.ofVirtual().start(() -> {
            started.countDown();
            try {
                if (permits.acquire(who, LONG)) {
                    order.add(name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            started.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return thread;
    }

    private static void awaitQueued(HashingPermits permits, int count) throws InterruptedException {
        while (permits.queued() < count) {
            Thread.sleep(1);
        }
    }

    private static void awaitGranted(List<String> order, int count) throws InterruptedException {
        while (order.size() < count) {
            Thread.sleep(1);
        }
    }
}
