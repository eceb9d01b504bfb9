package io.silo.bench.report;

import io.silo.bench.load.LatencyHistogram;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The chart of a run: throughput of each phase (the baseline first, so the routed figures read
 * against it) and its p50, p99 and p99.9 latencies on a log scale. Drawn with Java 2D, which
 * needs no display in headless mode.
 *
 * <p>Thread-safe: stateless.
 */
public final class Chart {
    private static final int WIDTH = 1200;
    private static final int HEIGHT = 520;
    private static final int TOP = 70;
    private static final int BOTTOM = 60;
    private static final Color[] LATENCY_COLORS = {new Color(0x4C78A8), new Color(0xF58518), new Color(0xE45756)};
    private static final Color BASELINE = new Color(0x9D9D9D);
    private static final Color ROUTED = new Color(0x4C78A8);

    private Chart() {}

    private record Bar(String label, double throughput, double[] latencies, boolean baseline) {}

    /** Writes the chart of {@code run} as a PNG. */
    public static void write(RunResult run, Path file) {
        System.setProperty("java.awt.headless", "true");
        List<Bar> bars = bars(run);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title(run), 20, 28);
            throughput(g, bars, 20, WIDTH / 2 - 20);
            latency(g, bars, WIDTH / 2 + 20, WIDTH - 20);
        } finally {
            g.dispose();
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart " + file, e);
        }
    }

    private static String title(RunResult run) {
        return String.format(
                Locale.ROOT,
                "Silo %s · %s tenants · %s clients · %s (nproc %d)",
                run.commit(),
                run.parameters().getOrDefault("tenants", "?"),
                run.parameters().getOrDefault("clients", "?"),
                DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(run.startedAt()),
                run.machine().processors());
    }

    private static List<Bar> bars(RunResult run) {
        List<Bar> bars = new ArrayList<>();
        for (PhaseResult phase : run.phases()) {
            LatencyHistogram all = phase.load().all();
            bars.add(new Bar(
                    phase.kind().label(),
                    phase.load().throughput(),
                    new double[] {all.percentileMillis(50), all.percentileMillis(99), all.percentileMillis(99.9)},
                    phase.kind() == PhaseResult.Kind.BASELINE));
            if (phase.kind() == PhaseResult.Kind.BASELINE) {
                run.pgbench()
                        .ifPresent(pgbench -> bars.add(new Bar(
                                "pgbench -S -M prepared",
                                pgbench.tps(),
                                new double[] {pgbench.latencyMillis(), 0, 0},
                                true)));
            }
        }
        return bars;
    }

    private static void throughput(Graphics2D g, List<Bar> bars, int left, int right) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString("Throughput, requests per second", left, TOP - 22);
        double max = bars.stream().mapToDouble(Bar::throughput).max().orElse(1);
        int labelWidth = 190;
        int rowHeight = (HEIGHT - TOP - BOTTOM) / Math.max(1, bars.size());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int scale = right - left - labelWidth - 70;
        bars.stream().filter(Bar::baseline).findFirst().ifPresent(baseline -> {
            // the bar of the benchmark issue: routed reads at one third of the baseline or more
            int x = left + labelWidth + (int) (scale * baseline.throughput() / 3 / max);
            g.setColor(new Color(0x54A24B));
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
            g.drawLine(x, TOP - 8, x, HEIGHT - BOTTOM);
            g.drawString("⅓ of the baseline", x + 4, HEIGHT - BOTTOM + 14);
            g.setStroke(new BasicStroke(1));
        });
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = TOP + i * rowHeight;
            int length = (int) (scale * bar.throughput() / max);
            g.setColor(Color.DARK_GRAY);
            g.drawString(bar.label(), left, y + rowHeight / 2 + 4);
            g.setColor(bar.baseline() ? BASELINE : ROUTED);
            g.fillRect(left + labelWidth, y + rowHeight / 5, Math.max(1, length), rowHeight * 3 / 5);
            g.setColor(Color.BLACK);
            g.drawString(
                    String.format(Locale.ROOT, "%,.0f", bar.throughput()),
                    left + labelWidth + length + 6,
                    y + rowHeight / 2 + 4);
        }
    }

    private static void latency(Graphics2D g, List<Bar> bars, int left, int right) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString("Latency p50 · p99 · p99.9, ms (log scale)", left, TOP - 22);
        int axis = left + 50;
        int bottom = HEIGHT - BOTTOM;
        double fastest = bars.stream()
                .flatMapToDouble(bar -> java.util.Arrays.stream(bar.latencies()))
                .filter(value -> value > 0)
                .min()
                .orElse(0.1);
        double low = Math.max(0.01, Math.pow(10, Math.floor(Math.log10(fastest))));
        double high = Math.max(
                10,
                bars.stream()
                                .flatMapToDouble(bar -> java.util.Arrays.stream(bar.latencies()))
                                .max()
                                .orElse(10)
                        * 1.5);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double tick = low; tick <= high; tick *= 10) {
            int y = y(tick, low, high, bottom);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(axis, y, right, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(
                    tick < 0.1
                            ? String.format(Locale.ROOT, "%.2f", tick)
                            : tick < 1
                                    ? String.format(Locale.ROOT, "%.1f", tick)
                                    : String.format(Locale.ROOT, "%.0f", tick),
                    left,
                    y + 4);
        }
        g.setStroke(new BasicStroke(1));
        int group = (right - axis) / Math.max(1, bars.size());
        int width = Math.max(4, group / 4);
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int x = axis + i * group + group / 8;
            for (int p = 0; p < 3; p++) {
                double value = bar.latencies()[p];
                if (value <= 0) {
                    continue;
                }
                int top = y(Math.max(low, value), low, high, bottom);
                g.setColor(LATENCY_COLORS[p]);
                g.fillRect(x + p * width, top, width - 1, bottom - top);
            }
            g.setColor(Color.DARK_GRAY);
            drawWrapped(g, bar.label(), x, bottom + 14, group - 4);
        }
        legend(g, right - 200, TOP - 40);
    }

    private static void legend(Graphics2D g, int x, int y) {
        String[] names = {"p50", "p99", "p99.9"};
        for (int p = 0; p < 3; p++) {
            g.setColor(LATENCY_COLORS[p]);
            g.fillRect(x + p * 65, y, 12, 12);
            g.setColor(Color.DARK_GRAY);
            g.drawString(names[p], x + p * 65 + 16, y + 11);
        }
    }

    private static void drawWrapped(Graphics2D g, String text, int x, int y, int width) {
        StringBuilder line = new StringBuilder();
        int row = 0;
        for (String word : text.split(" ")) {
            String next = line.isEmpty() ? word : line + " " + word;
            if (g.getFontMetrics().stringWidth(next) > width && !line.isEmpty()) {
                g.drawString(line.toString(), x, y + row++ * 13);
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(next);
            }
        }
        g.drawString(line.toString(), x, y + row * 13);
    }

    private static int y(double value, double low, double high, int bottom) {
        double share = (Math.log10(value) - Math.log10(low)) / (Math.log10(high) - Math.log10(low));
        return (int) (bottom - share * (bottom - TOP));
    }
}
