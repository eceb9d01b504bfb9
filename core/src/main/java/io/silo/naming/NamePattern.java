package io.silo.naming;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A parsed database-name pattern such as {@code {service}_{name}}: literal runs of
 * {@code [a-z0-9_]} and variables in braces.
 */
record NamePattern(String text, List<Part> parts) {

    NamePattern {
        parts = List.copyOf(parts);
    }

    /** A piece of a pattern. */
    sealed interface Part {}

    /** Text copied as is. */
    record Literal(String text) implements Part {}

    /** A value taken from the service and the tenant. */
    record Variable(Name name) implements Part {}

    /** The variables a pattern may use. */
    enum Name {
        SERVICE("service", false),
        SLUG("slug", true),
        NAME("name", true),
        TENANT_ID("tenantId", true),
        BUSINESS_TYPE("businessType", false),
        ADMIN_USERNAME("adminUsername", true),
        CREATED_MILLIS("createdMillis", true);

        final String key;
        /** Whether two tenants differ in it; a pattern needs one such variable or every tenant gets the same name. */
        final boolean tellsTenantsApart;

        Name(String key, boolean tellsTenantsApart) {
            this.key = key;
            this.tellsTenantsApart = tellsTenantsApart;
        }

        static Optional<Name> of(String key) {
            return Arrays.stream(values()).filter(name -> name.key.equals(key)).findFirst();
        }

        String braced() {
            return "{" + key + "}";
        }
    }

    static NamePattern parse(String text) {
        List<Part> parts = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int open = text.indexOf('{', at);
            int literalEnd = open < 0 ? text.length() : open;
            if (literalEnd > at) {
                parts.add(literal(text, text.substring(at, literalEnd)));
            }
            if (open < 0) {
                break;
            }
            int close = text.indexOf('}', open);
            if (close < 0) {
                throw invalid(text, "'{' at position " + open + " is never closed");
            }
            String key = text.substring(open + 1, close);
            parts.add(new Variable(
                    Name.of(key).orElseThrow(() -> invalid(text, "{" + key + "} is not a variable; use " + known()))));
            at = close + 1;
        }
        return checked(new NamePattern(text, parts));
    }

    static String known() {
        return Arrays.stream(Name.values()).map(Name::braced).collect(Collectors.joining(" "));
    }

    private static Literal literal(String pattern, String text) {
        if (!Identifiers.isPlain(text)) {
            throw invalid(pattern, "'" + text + "' may hold only a-z, 0-9 and _ outside of variables");
        }
        return new Literal(text);
    }

    private static NamePattern checked(NamePattern pattern) {
        if (pattern.parts.isEmpty()) {
            throw invalid(pattern.text, "a pattern may not be empty");
        }
        boolean apart =
                pattern.parts.stream().anyMatch(part -> part instanceof Variable(Name name) && name.tellsTenantsApart);
        if (!apart) {
            throw invalid(
                    pattern.text,
                    "every tenant would get the same name; use at least one of "
                            + Arrays.stream(Name.values())
                                    .filter(name -> name.tellsTenantsApart)
                                    .map(Name::braced)
                                    .collect(Collectors.joining(" ")));
        }
        if (pattern.parts.getFirst() instanceof Literal(String first)
                && first.startsWith(DatabaseNamer.RESERVED_PREFIX)) {
            throw invalid(
                    pattern.text, "names starting with " + DatabaseNamer.RESERVED_PREFIX + " are reserved for Silo");
        }
        return pattern;
    }

    private static SiloException invalid(String pattern, String why) {
        return ProblemType.INVALID_NAME_PATTERN
                .exception("'" + pattern + "' is not a database-name pattern: " + why)
                .with("pattern", pattern);
    }
}
