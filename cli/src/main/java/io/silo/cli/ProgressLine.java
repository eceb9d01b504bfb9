package io.silo.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows how far a long command got. On a terminal, a live progress bar (the {@code progressbar}
 * library: bar, percentage, count, elapsed time and ETA, redrawn in place with a carriage return
 * several times a second); otherwise (a pipe, a log file, a test) a plain line per change, so that
 * nothing but text lands in the output.
 *
 * <p>Not thread-safe: one command updates it from the thread that runs the work; the bar redraws
 * from the library's own thread.
 */
final class ProgressLine {
    private static final int WIDTH = 100;

    private final PrintWriter out;
    private final boolean terminal;
    private Optional<ProgressBar> bar = Optional.empty();
    private String last = "";

    ProgressLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A progress line on standard output's kind: a bar on a terminal, plain lines otherwise. */
    static ProgressLine forConsole(PrintWriter out) {
        return new ProgressLine(out, System.console() != null);
    }

    /**
     * Runs {@code work} (a job run here, in a thread named {@code name}) while {@code refresh} shows
     * its progress on a progress line of {@code out} twice a second; its result, or what it threw.
     */
    static <T> T whileRunning(PrintWriter out, String name, Supplier<T> work, Consumer<ProgressLine> refresh) {
        CompletableFuture<T> run = CompletableFuture.supplyAsync(
                work, task -> Thread.ofVirtual().name(name).start(task));
        ProgressLine progress = forConsole(out);
        while (!run.isDone()) {
            refresh.accept(progress);
            try {
                // woken by the work's end, not only by the next refresh: a command ends when its work does
                run.get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // refresh again, or (the work failed) leave the loop and report it below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        progress.finish();
        try {
            return run.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Shows {@code done} of {@code total} with a label; an unchanged line is not printed again. */
    void show(long done, long total, String label) {
        if (terminal) {
            ProgressBar shown = bar.orElseGet(this::start);
            shown.maxHint(total);
            shown.stepTo(done);
            shown.setExtraMessage(label);
            return;
        }
        String line = done + "/" + total + " " + label;
        if (!line.equals(last)) {
            out.println(line);
            out.flush();
            last = line;
        }
    }

    /** Ends the bar with its last state, so the command's answer starts on a line of its own. */
    void finish() {
        bar.ifPresent(shown -> {
            shown.close(); // draws the last state
            synchronized (out) {
                out.println();
                out.flush();
            }
        });
        bar = Optional.empty();
    }

    private ProgressBar start() {
        ProgressBar started = new ProgressBarBuilder()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200)
                .setConsumer(new DelegatingProgressBarConsumer(this::draw, WIDTH))
                .build();
        bar = Optional.of(started);
        return started;
    }

    private void draw(String rendered) {
        synchronized (out) {
            out.print("\r" + rendered);
            out.flush();
        }
    }
}
