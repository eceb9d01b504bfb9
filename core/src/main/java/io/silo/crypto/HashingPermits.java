package io.silo.crypto;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The permits to run argon2id, handed out in turns: when a permit frees, it goes to the next
 * organization in turn that has someone waiting, and within it to the next client address in turn.
 * One client looping sign-ins (right, wrong or locked) therefore waits behind its own requests,
 * while another organization's sign-in is served at the next free permit; a first-come queue would
 * put it behind the whole flood. Each claimant (organization and address) may have only so many
 * requests waiting; more are refused at once.
 *
 * <p>Thread-safe: one lock guards the free count and the queues.
 */
final class HashingPermits {
    private final ReentrantLock lock = new ReentrantLock();
    private final int maxWaitingPerClaimant;
    private int free;
    /** Waiting claims by organization, then by address; both maps iterate in turn order. */
    private final LinkedHashMap<String, LinkedHashMap<String, ArrayDeque<Claim>>> waiting = new LinkedHashMap<>();

    private long granted;
    private int queued;

    /** One waiting request: granted is set, and its condition signalled, when a permit is handed to it. */
    private static final class Claim {
        private final Condition handedOver;
        private boolean granted;

        private Claim(Condition handedOver) {
            this.handedOver = handedOver;
        }
    }

    HashingPermits(int permits, int maxWaitingPerClaimant) {
        if (permits < 1 || maxWaitingPerClaimant < 1) {
            throw new IllegalArgumentException("hashing needs at least one permit and one waiting place, got " + permits
                    + " and " + maxWaitingPerClaimant);
        }
        this.maxWaitingPerClaimant = maxWaitingPerClaimant;
        this.free = permits;
    }

    /**
     * Takes a permit for {@code who}, waiting up to {@code wait} for its turn; false when none came
     * in time or {@code who} already has its most requests waiting.
     */
    boolean acquire(PasswordHasher.Claimant who, Duration wait) throws InterruptedException {
        lock.lock();
        try {
            if (free > 0 && queued == 0) {
                free--;
                granted++;
                return true;
            }
            ArrayDeque<Claim> queue = waiting.computeIfAbsent(who.organization(), ignored -> new LinkedHashMap<>())
                    .computeIfAbsent(who.address(), ignored -> new ArrayDeque<>());
            if (queue.size() >= maxWaitingPerClaimant) {
                dropIfEmpty(who, queue);
                return false;
            }
            Claim claim = new Claim(lock.newCondition());
            queue.add(claim);
            queued++;
            long nanos = wait.toNanos();
            try {
                while (!claim.granted && nanos > 0) {
                    nanos = claim.handedOver.awaitNanos(nanos);
                }
            } catch (InterruptedException e) {
                if (claim.granted) {
                    handOver();
                } else {
                    withdraw(who, queue, claim);
                }
                throw e;
            }
            if (!claim.granted) {
                withdraw(who, queue, claim);
            }
            return claim.granted;
        } finally {
            lock.unlock();
        }
    }

    /** Gives a permit back: to the next claimant in turn, or to the free count. */
    void release() {
        lock.lock();
        try {
            handOver();
        } finally {
            lock.unlock();
        }
    }

    /** How many permits were handed out so far. */
    long granted() {
        lock.lock();
        try {
            return granted;
        } finally {
            lock.unlock();
        }
    }

    /** How many requests wait for a permit now. */
    int queued() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    private void handOver() {
        Iterator<Map.Entry<String, LinkedHashMap<String, ArrayDeque<Claim>>>> organizations =
                waiting.entrySet().iterator();
        if (!organizations.hasNext()) {
            free++;
            return;
        }
        Map.Entry<String, LinkedHashMap<String, ArrayDeque<Claim>>> organization = organizations.next();
        Map.Entry<String, ArrayDeque<Claim>> address =
                organization.getValue().entrySet().iterator().next();
        Claim next = address.getValue().poll();
        queued--;
        // both go to the back of their turns: the next permit serves someone else if anyone else waits
        organization.getValue().remove(address.getKey());
        if (!address.getValue().isEmpty()) {
            organization.getValue().put(address.getKey(), address.getValue());
        }
        waiting.remove(organization.getKey());
        if (!organization.getValue().isEmpty()) {
            waiting.put(organization.getKey(), organization.getValue());
        }
        next.granted = true;
        granted++;
        next.handedOver.signal();
    }

    private void withdraw(PasswordHasher.Claimant who, ArrayDeque<Claim> queue, Claim claim) {
        if (queue.remove(claim)) {
            queued--;
        }
        dropIfEmpty(who, queue);
    }

    private void dropIfEmpty(PasswordHasher.Claimant who, ArrayDeque<Claim> queue) {
        if (!queue.isEmpty()) {
            return;
        }
        LinkedHashMap<String, ArrayDeque<Claim>> addresses = waiting.get(who.organization());
        if (addresses != null) {
            addresses.remove(who.address(), queue);
            if (addresses.isEmpty()) {
                waiting.remove(who.organization());
            }
        }
    }
}
