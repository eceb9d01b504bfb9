package io.silo.template;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What files the documents of a collection may carry ({@code files} in a template): how large one
 * may be and which content types it may have. A collection without rules takes no files.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxBytes the largest file, in bytes
 * @param contentTypes the accepted media types, each {@code type/subtype} or {@code type/*}, in lower case
 */
public record FileRules(long maxBytes, List<String> contentTypes) {
    /** The largest {@code maxBytes} a template may give: files are stored in the tenant's database. */
    public static final long LIMIT = 1L << 30;

    /** RFC 9110's token: what a media type's type and subtype are made of. */
    static final String TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";

    public FileRules {
        contentTypes = List.copyOf(contentTypes);
    }

    /**
     * Whether a file of {@code contentType} (a {@code Content-Type} header value; parameters such as
     * {@code charset} do not count) may be stored.
     */
    public boolean accepts(String contentType) {
        // a file has one type: "audio/*" names a family, not a file's type
        return mediaType(contentType)
                .filter(type -> !type.contains("*"))
                .filter(this::matches)
                .isPresent();
    }

    private boolean matches(String type) {
        for (String accepted : contentTypes) {
            if (accepted.equals(type)
                    || accepted.endsWith("/*") && type.startsWith(accepted.substring(0, accepted.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The {@code type/subtype} of a {@code Content-Type} value, in lower case, without parameters;
     * empty when the value is not a media type (RFC 9110 §8.3.1).
     */
    public static Optional<String> mediaType(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.matches(TOKEN + "/" + TOKEN) ? Optional.of(type) : Optional.empty();
    }
}
