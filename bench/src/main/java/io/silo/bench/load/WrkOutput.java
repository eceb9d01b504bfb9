package io.silo.bench.load;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code wrk --latency} run printed: requests per second, the requests counted, the 99th
 * percentile latency, and the answers that were not 2xx or 3xx.
 */
public record WrkOutput(double requestsPerSecond, long requests, double p99Millis, long errors) {
    private static final Pattern REQUESTS_PER_SECOND = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("([0-9]+) requests in");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)");
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses: ([0-9]+)");

    /** Reads {@code text}; a figure wrk did not print is 0 (the p99, NaN). */
    public static WrkOutput parse(String text) {
        return new WrkOutput(
                Double.parseDouble(find(REQUESTS_PER_SECOND, text, "0")),
                Long.parseLong(find(REQUESTS, text, "0")),
                p99(text),
                Long.parseLong(find(ERRORS, text, "0")));
    }

    private static String find(Pattern pattern, String text, String otherwise) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : otherwise;
    }

    private static double p99(String text) {
        Matcher matcher = P99.matcher(text);
        if (!matcher.find()) {
            return Double.NaN;
        }
        double value = Double.parseDouble(matcher.group(1));
        return switch (matcher.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }
}
