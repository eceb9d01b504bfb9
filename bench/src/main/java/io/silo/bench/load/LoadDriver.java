package io.silo.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Runs a load phase: one virtual thread per client, a warm-up that is not recorded, then a
 * measuring window. Between the two, {@link Window#opened()} and {@link Window#closed()} let the
 * caller sample the system over exactly the measured interval.
 *
 * <p>A <em>closed loop</em> sends the next request as soon as the last one is answered: it finds the
 * peak throughput. An <em>open loop</em> sends at a fixed arrival rate, as {@code wrk2} does, and
 * measures each latency from when the request was due rather than when it was sent, so a stall
 * shows as the queue it causes (no coordinated omission).
 *
 * <p>Thread-safe: each run is independent.
 */
public final class LoadDriver {
    /** Told when the measuring window opens and closes. */
    public interface Window {
        void opened();

        void closed();
    }

    private final String name;
    private final int clients;
    private final Duration warmup;
    private final Duration measure;

    public LoadDriver(String name, int clients, Duration warmup, Duration measure) {
        if (clients < 1) {
            throw new IllegalArgumentException("phase " + name + " needs at least one client, got " + clients);
        }
        this.name = name;
        this.clients = clients;
        this.warmup = warmup;
        this.measure = measure;
    }

    /** As fast as the clients get answers. */
    public LoadResult closedLoop(IntFunction<Client> clientFactory, Window window) {
        return run(clientFactory, window, OptionalDouble.empty());
    }

    /** At {@code ratePerSecond} requests per second across all clients. */
    public LoadResult openLoop(double ratePerSecond, IntFunction<Client> clientFactory, Window window) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("phase " + name + " needs a positive rate, got " + ratePerSecond);
        }
        return run(clientFactory, window, OptionalDouble.of(ratePerSecond));
    }

    private LoadResult run(IntFunction<Client> clientFactory, Window window, OptionalDouble rate) {
        List<Client> made = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            made.add(clientFactory.apply(i)); // before the clock starts: a client may open connections
        }
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureUntil = measureFrom + measure.toNanos();
        long interval = interval(rate);
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            // the clients of an open loop are spread evenly over one interval
            Worker worker =
                    new Worker(made.get(i), start + interval * i / clients, measureFrom, measureUntil, interval);
            workers.add(worker);
            threads.add(Thread.ofVirtual()
                    .name("bench-" + name.replace(' ', '-') + "-", i)
                    .start(worker));
        }
        sleepUntil(measureFrom);
        window.opened();
        sleepUntil(measureUntil);
        window.closed();
        for (Thread thread : threads) {
            join(thread);
        }
        return merge(workers, rate);
    }

    /** Nanoseconds between two requests of one client in an open loop; 0 in a closed loop. */
    private long interval(OptionalDouble rate) {
        return rate.isEmpty() ? 0 : (long) (1e9 * clients / rate.getAsDouble());
    }

    private LoadResult merge(List<Worker> workers, OptionalDouble rate) {
        LatencyHistogram all = new LatencyHistogram();
        LatencyHistogram hot = new LatencyHistogram();
        LatencyHistogram cold = new LatencyHistogram();
        Map<Integer, Long> failures = new HashMap<>();
        long ok = 0;
        for (Worker worker : workers) {
            all.add(worker.all);
            hot.add(worker.hot);
            cold.add(worker.cold);
            ok += worker.ok;
            worker.failures.forEach((status, count) -> failures.merge(status, count, Long::sum));
        }
        return new LoadResult(name, clients, rate, measure.toNanos() / 1e9, ok, failures, all, hot, cold);
    }

    private static void sleepUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during a load phase");
            }
        }
    }

    private static void join(Thread thread) {
        try {
            if (!thread.join(Duration.ofSeconds(90))) {
                throw new IllegalStateException(
                        "client thread " + thread.getName() + " did not finish within 90 s of the phase's end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for clients", e);
        }
    }

    /** One client's loop and its own tallies, merged once the phase is over. */
    private static final class Worker implements Runnable {
        private final Client client;
        private final long start;
        private final long measureFrom;
        private final long measureUntil;
        private final long interval;
        private final LatencyHistogram all = new LatencyHistogram();
        private final LatencyHistogram hot = new LatencyHistogram();
        private final LatencyHistogram cold = new LatencyHistogram();
        private final Map<Integer, Long> failures = new HashMap<>();
        private long ok;

        Worker(Client client, long start, long measureFrom, long measureUntil, long interval) {
            this.client = client;
            this.start = start;
            this.measureFrom = measureFrom;
            this.measureUntil = measureUntil;
            this.interval = interval;
        }

        @Override
        public void run() {
            try (client) {
                long due = start;
                while (true) {
                    long now = System.nanoTime();
                    if (now >= measureUntil) {
                        return;
                    }
                    if (interval > 0) {
                        if (due >= measureUntil) {
                            return;
                        }
                        if (due > now) {
                            LockSupport.parkNanos(due - now);
                        }
                    }
                    long sent = interval > 0 ? due : System.nanoTime();
                    Client.Outcome outcome = client.call();
                    long done = System.nanoTime();
                    if (done >= measureFrom && done < measureUntil) {
                        tally(outcome, done - sent);
                    }
                    due += interval;
                }
            }
        }

        private void tally(Client.Outcome outcome, long nanos) {
            all.record(nanos);
            (outcome.hot() ? hot : cold).record(nanos);
            if (outcome.ok()) {
                ok++;
            } else {
                failures.merge(outcome.status(), 1L, Long::sum);
            }
        }
    }
}
