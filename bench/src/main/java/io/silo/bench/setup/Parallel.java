package io.silo.bench.setup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** Runs {@code count} tasks on at most {@code threads} threads and returns their results in order; the first failure stops the rest. */
final class Parallel {
    private Parallel() {}

    static <T> List<T> map(int count, int threads, IntFunction<T> task) {
        try (ExecutorService pool = Executors.newFixedThreadPool(
                Math.max(1, threads), Thread.ofVirtual().name("bench-setup-", 0).factory())) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.apply(index)));
            }
            try {
                List<T> results = new ArrayList<>();
                for (Future<T> future : futures) {
                    results.add(future.get());
                }
                return results;
            } catch (ExecutionException | InterruptedException e) {
                pool.shutdownNow(); // the queued tasks are dropped, so closing the pool does not wait for them
                throw e;
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
