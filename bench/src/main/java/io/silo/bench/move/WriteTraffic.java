package io.silo.bench.move;

import io.silo.testing.SiloClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client of an organization that writes an invoice, then reads back a random one it wrote, in
 * a loop with a short pause, while a move runs: what a busy user sees. It counts acknowledged
 * writes (their ids kept, to find each afterwards), writes refused with 503 and the longest
 * stretch of them, and reads that failed.
 *
 * <p>Thread-safe: one thread writes, {@link #stop} may come from another.
 */
final class WriteTraffic implements AutoCloseable {
    private static final long PAUSE_MILLIS = 10;

    /** What the client saw. */
    record Seen(
            List<String> acknowledged,
            int refused,
            long longestRefusedMillis,
            int otherWriteFailures,
            int reads,
            int failedReads,
            List<String> failures) {}

    private final java.util.function.Supplier<SiloClient> signIn;
    private SiloClient client;
    private final String prefix;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final List<String> acknowledged = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private int refused;
    private long longestRefusedNanos;
    /** When the current run of refused writes began; -1 outside one. */
    private long refusedSince = -1;

    private int otherWriteFailures;
    private int reads;
    private int failedReads;

    private WriteTraffic(java.util.function.Supplier<SiloClient> signIn, String prefix) {
        this.signIn = signIn;
        this.client = signIn.get();
        this.prefix = prefix;
        this.thread = Thread.ofPlatform().name("move-traffic-" + prefix).start(this::loop);
    }

    /**
     * Starts writing as a client of the organization that {@code signIn} gives (again when its token
     * expires), invoice numbers starting with {@code prefix}.
     */
    static WriteTraffic start(java.util.function.Supplier<SiloClient> signIn, String prefix) {
        return new WriteTraffic(signIn, prefix);
    }

    private void loop() {
        long number = 0;
        while (running.get()) {
            number++;
            try {
                writeAndRead(number);
            } catch (RuntimeException e) {
                // a sign-in refused under the fence, a connection reset: counted, and the client goes on
                synchronized (this) {
                    otherWriteFailures++;
                    note("write " + e.getMessage());
                }
                pause();
            }
        }
    }

    private void writeAndRead(long number) {
        SiloClient.Response written = client.post("/api/data/billing/invoices", invoice(number));
        if (written.status() == 401) {
            client = signIn.get();
            return;
        }
        long now = System.nanoTime();
        synchronized (this) {
            if (written.status() == 201) {
                acknowledged.add(written.json().path("_id").asString());
                endRefusedRun(now);
            } else if (written.status() == 503) {
                refused++;
                if (refusedSince < 0) {
                    refusedSince = now;
                }
            } else {
                otherWriteFailures++;
                note("write " + written);
            }
        }
        readOne();
        pause();
    }

    /** Closes a run of refused writes, if one is open. */
    private void endRefusedRun(long now) {
        if (refusedSince >= 0) {
            longestRefusedNanos = Math.max(longestRefusedNanos, now - refusedSince);
            refusedSince = -1;
        }
    }

    private void readOne() {
        String id;
        synchronized (this) {
            if (acknowledged.isEmpty()) {
                return;
            }
            id = acknowledged.get(ThreadLocalRandom.current().nextInt(acknowledged.size()));
        }
        SiloClient.Response read = client.get("/api/data/billing/invoices/" + id);
        synchronized (this) {
            reads++;
            if (read.status() != 200) {
                failedReads++;
                note("read " + read);
            }
        }
    }

    private void note(String failure) {
        if (failures.size() < 10) {
            failures.add(failure);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String invoice(long number) {
        return String.format(
                Locale.ROOT,
                "{\"number\":\"%s-%d\",\"customer\":{\"name\":\"Moving Client\"},\"status\":\"draft\","
                        + "\"currency\":\"EUR\",\"total\":%d.50,\"issueDate\":\"2026-01-15\","
                        + "\"items\":[{\"description\":\"Service\",\"quantity\":1,\"unitPrice\":%d.50}]}",
                prefix,
                number,
                number % 1000,
                number % 1000);
    }

    /** Stops the client and answers what it saw. */
    Seen stop() {
        running.set(false);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the client", e);
        }
        synchronized (this) {
            endRefusedRun(System.nanoTime());
            return new Seen(
                    List.copyOf(acknowledged),
                    refused,
                    longestRefusedNanos / 1_000_000,
                    otherWriteFailures,
                    reads,
                    failedReads,
                    List.copyOf(failures));
        }
    }

    @Override
    public void close() {
        running.set(false);
    }
}
