package io.silo.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text a sequence writes into its field, such as {@code INV-{year}-{n:5}}: literal text around
 * exactly one counter, {@code {n}} or {@code {n:W}} (zero-padded to {@code W} digits, more when the
 * number outgrows them), and at most one {@code {year}} (four digits). Braces mean nothing else, so
 * a format is read back without ambiguity: that is how a number a client sent moves its counter.
 *
 * <p>Immutable, so thread-safe.
 */
public final class SequenceFormat {
    /** A counter of 18 digits fits a {@code bigint}; wider padding would only ever print zeros. */
    public static final int MAX_WIDTH = 18;

    public static final int MAX_LENGTH = 100;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern COUNTER = Pattern.compile("n(?::([0-9]{1,2}))?");

    private final String text;
    private final List<Part> parts;
    private final Pattern reader;

    private SequenceFormat(String text, List<Part> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
        StringBuilder regex = new StringBuilder();
        for (Part part : parts) {
            regex.append(
                    switch (part) {
                        case Part.Literal literal -> Pattern.quote(literal.text());
                        case Part.Year year -> "([0-9]{4})";
                        case Part.Counter counter -> "([0-9]{1," + MAX_WIDTH + "})";
                    });
        }
        this.reader = Pattern.compile(regex.toString());
    }

    /**
     * Reads a format.
     *
     * @throws IllegalArgumentException saying what is wrong, for a template problem
     */
    public static SequenceFormat parse(String text) {
        if (text.isEmpty() || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a format is 1 to " + MAX_LENGTH + " characters");
        }
        List<Part> parts = new ArrayList<>();
        Matcher placeholder = PLACEHOLDER.matcher(text);
        int at = 0;
        while (placeholder.find()) {
            literal(text.substring(at, placeholder.start()), parts);
            parts.add(part(placeholder.group(1)));
            at = placeholder.end();
        }
        literal(text.substring(at), parts);
        long counters = parts.stream().filter(Part.Counter.class::isInstance).count();
        if (counters != 1) {
            throw new IllegalArgumentException(
                    "a format holds the counter {n} (or {n:5}, zero-padded) exactly once, not " + counters + " times");
        }
        if (parts.stream().filter(Part.Year.class::isInstance).count() > 1) {
            throw new IllegalArgumentException("a format holds {year} at most once");
        }
        for (int i = 1; i < parts.size(); i++) {
            if (!(parts.get(i) instanceof Part.Literal) && !(parts.get(i - 1) instanceof Part.Literal)) {
                // INV{year}{n}: 2026 then 123 or 20261 then 23? Read back, the text would be ambiguous
                throw new IllegalArgumentException("{year} and {n} need text between them, such as '-'");
            }
        }
        return new SequenceFormat(text, parts);
    }

    /** The text for counter value {@code number} in {@code year}. */
    public String format(long number, int year) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            switch (part) {
                case Part.Literal literal -> out.append(literal.text());
                case Part.Year ignored -> out.append(String.format("%04d", year));
                case Part.Counter counter -> out.append(String.format("%0" + counter.width() + "d", number));
            }
        }
        return out.toString();
    }

    /**
     * The counter value and year of a text this format would have written, exactly (so {@code INV-7}
     * is not {@code INV-{n:5}}'s 7, and a number of 0 is none); empty for any other text.
     */
    public Optional<Value> read(String value) {
        Matcher matcher = reader.matcher(value);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long number = 0;
        OptionalInt year = OptionalInt.empty();
        int group = 1;
        for (Part part : parts) {
            switch (part) {
                case Part.Literal ignored -> {}
                case Part.Year ignored -> year = OptionalInt.of(Integer.parseInt(matcher.group(group++)));
                case Part.Counter ignored -> number = Long.parseLong(matcher.group(group++));
            }
        }
        if (number < 1 || !format(number, year.orElse(0)).equals(value)) {
            return Optional.empty();
        }
        return Optional.of(new Value(number, year));
    }

    /** Whether the format shows the year. */
    public boolean hasYear() {
        return parts.stream().anyMatch(Part.Year.class::isInstance);
    }

    /** The format as written in the template. */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SequenceFormat format && format.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    /** What a text written by a format says: its counter value, and its year when the format shows one. */
    public record Value(long number, OptionalInt year) {}

    private static void literal(String text, List<Part> parts) {
        if (text.indexOf('{') >= 0 || text.indexOf('}') >= 0) {
            throw new IllegalArgumentException(
                    "a brace that opens no {n}, {n:W} or {year}: braces mean nothing else in a format");
        }
        if (!text.isEmpty()) {
            parts.add(new Part.Literal(text));
        }
    }

    private static Part part(String placeholder) {
        if (placeholder.equals("year")) {
            return new Part.Year();
        }
        Matcher counter = COUNTER.matcher(placeholder);
        if (!counter.matches()) {
            throw new IllegalArgumentException(
                    "{" + placeholder + "} is not a placeholder: use {n}, {n:W} (W digits, zero-padded) or {year}");
        }
        int width = counter.group(1) == null ? 1 : Integer.parseInt(counter.group(1));
        if (width < 1 || width > MAX_WIDTH) {
            throw new IllegalArgumentException("{n:" + width + "}: a counter is 1 to " + MAX_WIDTH + " digits wide");
        }
        return new Part.Counter(width);
    }

    private sealed interface Part {
        record Literal(String text) implements Part {}

        record Year() implements Part {}

        record Counter(int width) implements Part {}
    }
}
