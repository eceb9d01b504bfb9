package io.silo.http.file;

import io.silo.error.ProblemType;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One range of a file's bytes, as a {@code Range} header asks for it (RFC 9110 §14): {@code
 * bytes=a-b}, {@code bytes=a-} or the last bytes, {@code bytes=-n}. A header Silo does not serve
 * (another unit, several ranges, a malformed one) is ignored, which the RFC allows: the whole file
 * is answered. A range that starts at or past the end is {@code range-not-satisfiable} (416).
 *
 * @param first the first byte, from 0
 * @param last the last byte, inclusive
 */
record ByteRange(long first, long last) {
    private static final Pattern SINGLE = Pattern.compile("bytes=([0-9]{0,19})-([0-9]{0,19})");

    /** The range asked of a file of {@code size} bytes, if one is asked that Silo serves. */
    static Optional<ByteRange> parse(String header, long size) {
        Matcher matcher = SINGLE.matcher(header.replace(" ", ""));
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String from = matcher.group(1);
        String to = matcher.group(2);
        if (from.isEmpty() && to.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (from.isEmpty()) {
                long suffix = Long.parseLong(to);
                if (suffix == 0 || size == 0) {
                    throw unsatisfiable(size);
                }
                return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
            }
            long first = Long.parseLong(from);
            long last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
            if (!to.isEmpty() && Long.parseLong(to) < first) {
                return Optional.empty(); // invalid, so ignored (RFC 9110 §14.1.1)
            }
            if (first >= size) {
                throw unsatisfiable(size);
            }
            return Optional.of(new ByteRange(first, last));
        } catch (NumberFormatException e) {
            return Optional.empty(); // beyond any file's size, and beyond a long
        }
    }

    long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} of this range of a file of {@code size} bytes. */
    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    private static RuntimeException unsatisfiable(long size) {
        return ProblemType.RANGE_NOT_SATISFIABLE
                .exception("the file has " + size + " bytes; the range asked for starts at or past its end")
                .with("size", size);
    }
}
