package io.silo.tenant;

import io.silo.error.ProblemType;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Limits on what a tenant may hold, by name: {@code maxUsers}, {@code maxBranches},
 * {@code maxFileBytes}, or any other whole number a deployment wants to enforce. Absent means
 * unlimited.
 */
public record Quotas(Map<String, Long> limits) {
    public static final String MAX_USERS = "maxUsers";
    public static final String MAX_BRANCHES = "maxBranches";
    /** The bytes the files of all of an organization's documents may take together. */
    public static final String MAX_FILE_BYTES = "maxFileBytes";

    private static final Pattern NAME = Pattern.compile("[a-z][A-Za-z0-9]{0,40}");

    public Quotas {
        limits = java.util.Collections.unmodifiableMap(new TreeMap<>(limits));
    }

    public static Quotas none() {
        return new Quotas(Map.of());
    }

    /** Quotas from a request, checked: names are identifiers, values whole numbers of zero or more. */
    public static Quotas of(Map<String, ?> raw) {
        Map<String, Long> out = new TreeMap<>();
        raw.forEach((name, value) -> {
            if (!NAME.matcher(name).matches()) {
                throw ProblemType.INVALID_QUOTA
                        .exception("quota name '" + name + "' must be an identifier such as maxUsers")
                        .with("field", "quotas." + name);
            }
            if (!(value instanceof Number number)
                    || number.doubleValue() != Math.rint(number.doubleValue())
                    || number.longValue() < 0) {
                throw ProblemType.INVALID_QUOTA
                        .exception("quota " + name + " must be a whole number of 0 or more, got " + value)
                        .with("field", "quotas." + name);
            }
            out.put(name, number.longValue());
        });
        return new Quotas(out);
    }

    public Optional<Long> limit(String name) {
        return Optional.ofNullable(limits.get(name));
    }

    public Optional<Long> maxUsers() {
        return limit(MAX_USERS);
    }

    public Optional<Long> maxFileBytes() {
        return limit(MAX_FILE_BYTES);
    }

    /** These quotas with {@code changes} applied; a null value removes a limit. */
    public Quotas merge(Map<String, ?> changes) {
        Map<String, Object> merged = new TreeMap<>(limits);
        changes.forEach((name, value) -> {
            if (value == null) {
                merged.remove(name);
            } else {
                merged.put(name, value);
            }
        });
        return of(merged);
    }
}
