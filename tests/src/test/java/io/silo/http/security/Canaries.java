package io.silo.http.security;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The canary strings planted in tenant B: {@code CANARY-B-<n>-<run>}, unique in the run. Any text
 * derived from one (a database name made of an organization's name, say) still matches
 * {@link #PATTERN}, whatever its case or separators, so that a canary is found even when the server
 * transformed it. Also the markers of tenant A's own secrets (its private fields, the fields hidden
 * from a role), which no answer may hold: {@code PRIVATE-A-…}, {@code HIDDEN-A-…}.
 *
 * <p>Thread-safe.
 */
final class Canaries {
    /** A canary of B in any case, with {@code -}, {@code _} or a space between its parts. */
    static final Pattern PATTERN = Pattern.compile("canary[-_ ]b[-_ ][0-9]+[-_ ][0-9a-f]{6}", Pattern.CASE_INSENSITIVE);

    private final String run;
    private final AtomicInteger next = new AtomicInteger();
    private final java.util.List<String> issued = new java.util.concurrent.CopyOnWriteArrayList<>();

    Canaries(long seed) {
        this.run = String.format(Locale.ROOT, "%06X", seed & 0xffffff);
    }

    /** A fresh canary of tenant B. */
    String next() {
        String canary = "CANARY-B-" + next.incrementAndGet() + "-" + run;
        issued.add(canary);
        return canary;
    }

    /** Every canary of B made so far, for the fuzzer to guess with. */
    java.util.List<String> issued() {
        return java.util.List.copyOf(issued);
    }

    /** A value of one of tenant A's private fields: no answer may ever hold it. */
    String privateOfA() {
        return "PRIVATE-A-" + next.incrementAndGet() + "-" + run;
    }

    /** A value of a field of tenant A hidden from some of its roles. */
    String hiddenOfA() {
        return "HIDDEN-A-" + next.incrementAndGet() + "-" + run;
    }

    /** The canonical form of a canary found by {@link #PATTERN}, to compare it with what a request sent. */
    static String canonical(String found) {
        return found.toUpperCase(Locale.ROOT).replace('_', '-').replace(' ', '-');
    }
}
