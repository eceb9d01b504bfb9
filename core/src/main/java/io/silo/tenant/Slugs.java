package io.silo.tenant;

import io.silo.error.ProblemType;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** Slugs: URL-safe tenant names, checked or derived from the organization's name. */
public final class Slugs {
    private static final Pattern VALID = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    private Slugs() {}

    /** {@code slug} when valid; else a 400 that says what a slug may hold. */
    public static String check(String slug) {
        if (slug != null && isUuid(slug)) {
            throw ProblemType.INVALID_SLUG
                    .exception("slug '" + slug + "' looks like an organization id; routes could not tell "
                            + "the two apart")
                    .with("field", "slug");
        }
        if (slug == null || !VALID.matcher(slug).matches() || slug.contains("--")) {
            throw ProblemType.INVALID_SLUG
                    .exception("slug '" + slug + "' must be 1 to 63 lower-case letters, digits and single "
                            + "hyphens, starting and ending with a letter or digit")
                    .with("field", "slug");
        }
        return slug;
    }

    /** A slug derived from a name: accents dropped, runs of other characters become one hyphen. */
    public static String fromName(String name) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        String slug =
                ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 63) {
            slug = slug.substring(0, 63).replaceAll("-+$", "");
        }
        if (slug.isEmpty()) {
            throw ProblemType.INVALID_SLUG
                    .exception("cannot derive a slug from the name '" + name + "'; give one")
                    .with("field", "slug");
        }
        return slug;
    }

    /**
     * The start of a slug of Silo's own making from {@code slug} and {@code suffix} (e.g. {@code
     * -restoring-}), followed by at most {@code more} characters: the slug cut short enough that the
     * whole stays within 63 characters, never ending in a hyphen. A long slug's copy would else be
     * refused as invalid.
     */
    public static String withSuffix(String slug, String suffix, int more) {
        int room = 63 - suffix.length() - more;
        String start = slug.length() <= room ? slug : slug.substring(0, room).replaceAll("-+$", "");
        return start + suffix;
    }

    /** Whether {@code text} looks like a tenant id rather than a slug. */
    public static boolean isUuid(String text) {
        return text.length() == 36 && text.chars().filter(c -> c == '-').count() == 4;
    }
}
