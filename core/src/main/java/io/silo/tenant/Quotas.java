package io.silo.tenant;

import io.silo.error.ProblemType;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Limits on what a tenant may hold, by name: {@code maxUsers}, {@code maxFileBytes}, a collection's
 * document count as {@code service.collection} ({@code erp.branches}; {@code maxBranches} is the
 * ERP's own name for that one), or any other whole number a deployment wants to keep for its own
 * use. Absent means unlimited. Immutable, so thread-safe.
 */
public record Quotas(Map<String, Long> limits) {
    public static final String MAX_USERS = "maxUsers";
    /** The ERP seed's name for the quota on {@code erp.branches}; both count the same documents. */
    public static final String MAX_BRANCHES = "maxBranches";

    /** Quota names that mean the document count of a collection, by the collection they count. */
    private static final Map<String, String> COLLECTION_ALIASES = Map.of(MAX_BRANCHES, "erp.branches");
    /** The bytes the files of all of an organization's documents may take together. */
    public static final String MAX_FILE_BYTES = "maxFileBytes";

    private static final Pattern NAME = Pattern.compile("[a-z][A-Za-z0-9]{0,40}");
    /** {@code service.collection}: the names templates give services and collections. */
    private static final Pattern COLLECTION = Pattern.compile("[a-z][a-z0-9_]{0,62}\\.[a-z][a-z0-9_]{0,62}");

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
            if (!NAME.matcher(name).matches() && !COLLECTION.matcher(name).matches()) {
                throw ProblemType.INVALID_QUOTA
                        .exception(
                                "quota name '" + name
                                        + "' must be an identifier such as maxUsers, or service.collection such as erp.branches")
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

    /**
     * The most documents {@code collection} of {@code service} may hold, if limited: the quota named
     * {@code service.collection}, or an alias of it ({@code maxBranches}); the lower when both are set.
     */
    public Optional<DocumentLimit> documentLimit(String service, String collection) {
        String name = service + "." + collection;
        Optional<DocumentLimit> limit = limit(name).map(max -> new DocumentLimit(name, max));
        for (Map.Entry<String, String> alias : COLLECTION_ALIASES.entrySet()) {
            if (alias.getValue().equals(name) && limits.containsKey(alias.getKey())) {
                long max = limits.get(alias.getKey());
                if (limit.isEmpty() || max < limit.get().limit()) {
                    limit = Optional.of(new DocumentLimit(alias.getKey(), max));
                }
            }
        }
        return limit;
    }

    /** The collections whose document count some quota limits, as {@code service.collection}. */
    public Set<String> limitedCollections() {
        Set<String> out = new TreeSet<>();
        limits.keySet().forEach(name -> {
            if (COLLECTION.matcher(name).matches()) {
                out.add(name);
            } else if (COLLECTION_ALIASES.containsKey(name)) {
                out.add(COLLECTION_ALIASES.get(name));
            }
        });
        return out;
    }

    /**
     * A limit on the documents of one collection.
     *
     * @param quota the quota's name as set, {@code erp.branches} or {@code maxBranches}: what a refusal names
     * @param limit the most documents the collection may hold
     */
    public record DocumentLimit(String quota, long limit) {}

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
