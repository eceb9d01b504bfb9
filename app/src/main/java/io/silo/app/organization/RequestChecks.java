package io.silo.app.organization;

import io.silo.app.input.Fields;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.tenant.Contact;
import io.silo.tenant.Slugs;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks of the free-form fields of organization requests, with errors that name the field. */
final class RequestChecks {
    private static final Pattern BUSINESS_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 _-]{0,39}");
    private static final Pattern FEATURE = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
    /** {@code off:service} or {@code off:service.collection} ({@link io.silo.tenant.Features}). */
    private static final Pattern SWITCH_OFF = Pattern.compile("off:[a-z][a-z0-9_]{0,62}(\\.[a-z][a-z0-9_]{0,62})?");

    private static final Pattern EXTERNAL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    /** A host as browsers serialize it in {@code Origin}: lower-case ASCII labels (IDNs in punycode), or an IP literal. */
    private static final Pattern ORIGIN_HOST = Pattern.compile(
            "([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*|\\[[0-9a-f:.]+]");
    /** Enough for a front end per region and environment; the per-request check looks them up in a set. */
    static final int MAX_CORS_ORIGINS = 20;

    private RequestChecks() {}

    /**
     * An organization's id in another system: 1 to 100 letters, digits, {@code _ . -}, starting with a
     * letter or digit ({@code org_techcorp_001}, {@code 656f1c2a9b1e8a0012345678}); not a UUID, which
     * {@code {org}} would take for Silo's own id. Blank clears it.
     */
    static Optional<String> externalId(Optional<String> value) {
        if (value.isEmpty() || value.get().isBlank()) {
            return Optional.empty();
        }
        String externalId = value.get();
        if (!EXTERNAL_ID.matcher(externalId).matches() || Slugs.isUuid(externalId)) {
            throw ProblemType.INVALID_EXTERNAL_ID
                    .exception("externalId must be 1 to 100 letters, digits, '_', '.' or '-', starting with a letter or"
                            + " digit, and not a UUID, e.g. org_techcorp_001")
                    .with("field", "externalId");
        }
        return Optional.of(externalId);
    }

    static String name(String name) {
        return Fields.text(name, "name", 200);
    }

    static Optional<String> businessType(Optional<String> value) {
        if (value.isEmpty() || value.get().isBlank()) {
            return Optional.empty();
        }
        String businessType = value.get();
        if (!BUSINESS_TYPE.matcher(businessType).matches()) {
            throw ProblemType.INVALID_BUSINESS_TYPE
                    .exception("businessType must be 1 to 40 letters, digits, spaces, '_' or '-'")
                    .with("field", "businessType");
        }
        return Optional.of(businessType.trim());
    }

    static List<String> features(List<String> features) {
        for (String feature : features) {
            if (feature == null
                    || !(FEATURE.matcher(feature).matches()
                            || SWITCH_OFF.matcher(feature).matches())) {
                throw ProblemType.INVALID_FEATURE
                        .exception("feature '" + feature
                                + "' must be a lower-case identifier, or off:service or off:service.collection")
                        .with("field", "features");
            }
        }
        return features.stream().distinct().toList();
    }

    /**
     * The origins of an organization's browser front ends, each as a browser sends it in
     * {@code Origin}: {@code http} or {@code https}, a host, a port only when not the scheme's
     * default; no path (not even {@code /}), no wildcard, no user. Case and a default port are
     * normalized ({@code HTTPS://App.Example.com:443} is {@code https://app.example.com}), so that
     * what is stored is what a browser sends; duplicates collapse.
     */
    static List<String> corsOrigins(List<String> origins, String field) {
        Set<String> out = new LinkedHashSet<>();
        for (String origin : origins) {
            out.add(origin(origin, field));
        }
        if (out.size() > MAX_CORS_ORIGINS) {
            throw ProblemType.INVALID_ORIGIN
                    .exception("an organization lists at most " + MAX_CORS_ORIGINS + " origins; " + field + " has "
                            + out.size())
                    .with("field", field);
        }
        return List.copyOf(out);
    }

    private static String origin(String text, String field) {
        String shown = text == null ? "null" : text.length() > 100 ? text.substring(0, 100) + "..." : text;
        SiloException wrong = ProblemType.INVALID_ORIGIN
                .exception("'" + shown + "' is not an origin: write scheme://host[:port] exactly as the browser"
                        + " sends it, e.g. https://app.example.com (http or https, no path, no wildcard)")
                .with("field", field);
        if (text == null || text.length() > 300 || text.contains("*")) {
            throw wrong;
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw wrong;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        boolean bare = uri.getRawUserInfo() == null
                && uri.getRawPath() != null
                && uri.getRawPath().isEmpty()
                && uri.getRawQuery() == null
                && uri.getRawFragment() == null;
        if (!(scheme.equals("http") || scheme.equals("https"))
                || !bare
                || !ORIGIN_HOST.matcher(host).matches()) {
            throw wrong;
        }
        int port = uri.getPort();
        if (port == 0 || port > 65_535) {
            throw wrong;
        }
        boolean defaultPort =
                port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }

    static Optional<String> text(Optional<String> text, String field, int max) {
        if (text.isEmpty() || text.get().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Fields.text(text.get(), field, max));
    }

    static Optional<Contact> contact(Optional<NewOrganization.ContactDetails> details, String field) {
        if (details.isEmpty()) {
            return Optional.empty();
        }
        NewOrganization.ContactDetails body = details.get();
        return Optional.of(new Contact(
                Fields.email(body.email(), field + ".email"),
                text(body.name(), field + ".name", 200),
                text(body.phone(), field + ".phone", 40)));
    }

    static Optional<String> username(Optional<String> username, String field) {
        return username.filter(value -> !value.isBlank()).map(value -> Fields.username(value, field));
    }
}
