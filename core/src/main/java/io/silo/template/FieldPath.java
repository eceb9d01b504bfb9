package io.silo.template;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A path to a field in a document, such as {@code customer.address.city}. Each segment is a
 * plain identifier; nothing else is ever accepted, because paths end up inside SQL expressions
 * (as quoted literals) where they must match index definitions.
 *
 * @param segments the parts between the dots
 */
public record FieldPath(List<String> segments) {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final int MAX_DEPTH = 8;

    public FieldPath {
        segments = List.copyOf(segments);
    }

    /** Parses {@code a.b.c}; anything but identifiers joined by dots is a 400 naming the path. */
    public static FieldPath parse(String path) {
        if (path == null || path.isEmpty() || path.length() > 512) {
            throw invalid(path);
        }
        List<String> segments = Arrays.asList(path.split("\\.", -1));
        if (segments.size() > MAX_DEPTH
                || !segments.stream()
                        .allMatch(segment -> SEGMENT.matcher(segment).matches())) {
            throw invalid(path);
        }
        return new FieldPath(segments);
    }

    /** Whether {@code text} is a valid path. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (SiloException e) {
            return false;
        }
    }

    public String first() {
        return segments.getFirst();
    }

    @Override
    public String toString() {
        return String.join(".", segments);
    }

    private static SiloException invalid(String path) {
        String shown = path == null ? "null" : path.length() > 80 ? path.substring(0, 80) + "..." : path;
        return ProblemType.INVALID_FIELD
                .exception("'" + shown + "' is not a field path: use identifiers "
                        + "(letters, digits, _) joined by dots, at most " + MAX_DEPTH + " deep")
                .with("field", shown);
    }
}
