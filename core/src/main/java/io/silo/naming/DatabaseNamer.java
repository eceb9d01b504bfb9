package io.silo.naming;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.naming.NamePattern.Literal;
import io.silo.naming.NamePattern.Name;
import io.silo.naming.NamePattern.Part;
import io.silo.naming.NamePattern.Variable;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Names tenant databases from a service template's pattern, such as {@code {service}_{name}}.
 *
 * <p>The variables are {@code {service} {slug} {name} {tenantId} {businessType} {adminUsername}
 * {createdMillis}}. Each value is {@linkplain Identifiers#sanitize sanitized} (lower case, every
 * other character than {@code a-z0-9} becomes {@code _}); a name longer than 63 bytes is
 * {@linkplain Identifiers#fit cut and given a hash}. The names of PostgreSQL's own databases, of
 * the control database, and every name starting with {@code silo_} are refused.
 *
 * <p>Immutable and thread-safe.
 */
public final class DatabaseNamer {
    /** Databases that belong to PostgreSQL or Silo; {@code silo} is the control database's default name. */
    public static final Set<String> RESERVED = Set.of("postgres", "template0", "template1", "silo");
    /** Silo's own databases (template databases, scratch space) start with this. */
    public static final String RESERVED_PREFIX = "silo_";
    /** Every variable a pattern may use, in braces. */
    public static final List<String> VARIABLES =
            Stream.of(Name.values()).map(Name::braced).toList();

    private final Set<String> reserved;

    private DatabaseNamer(Set<String> reserved) {
        this.reserved = Set.copyOf(reserved);
    }

    /** A namer that refuses {@link #RESERVED} and names starting with {@link #RESERVED_PREFIX}. */
    public static DatabaseNamer standard() {
        return new DatabaseNamer(RESERVED);
    }

    /** A namer that also refuses {@code names}, e.g. a control database configured under another name. */
    public static DatabaseNamer reserving(Collection<String> names) {
        Set<String> all = new TreeSet<>(RESERVED);
        all.addAll(names);
        return new DatabaseNamer(all);
    }

    /**
     * Checks a pattern without naming anything: only known variables and literal
     * {@code a-z0-9_}, at least one variable that tells tenants apart, no reserved prefix.
     *
     * @throws SiloException {@code invalid-name-pattern} (400) saying what is wrong
     */
    public static void checkPattern(String pattern) {
        NamePattern.parse(pattern);
    }

    /**
     * The database name of {@code service} for {@code tenant}.
     *
     * @throws SiloException {@code naming-variable-missing} (422) when the pattern needs a value the
     *     tenant lacks or whose sanitized form has no letter or digit; {@code database-name-reserved}
     *     (409) when the name belongs to PostgreSQL or Silo; {@code invalid-name-pattern} (400) for a
     *     pattern {@link #checkPattern} refuses
     */
    public String name(String pattern, String service, NamingContext tenant) {
        StringBuilder out = new StringBuilder();
        for (Part part : NamePattern.parse(pattern).parts()) {
            switch (part) {
                case Literal(String text) -> out.append(text);
                case Variable(Name variable) -> out.append(value(variable, pattern, service, tenant));
            }
        }
        String name = Identifiers.fit(out.toString());
        if (isReserved(name)) {
            throw ProblemType.DATABASE_NAME_RESERVED
                    .exception("database name '" + name + "' of service " + service
                            + " for tenant " + tenant.slug() + " (pattern '" + pattern + "') is reserved: "
                            + String.join(", ", new TreeSet<>(reserved)) + " and names starting with "
                            + RESERVED_PREFIX
                            + " belong to PostgreSQL and Silo")
                    .with("database", name);
        }
        return name;
    }

    /**
     * A database name chosen for {@code service} by a platform administrator instead of the pattern's:
     * what a pattern may give, written out (lower-case ASCII letters, digits and {@code _}, starting
     * with a letter, at most 63 bytes, so PostgreSQL keeps it as written and it needs no quoting in
     * tools), and not reserved.
     *
     * @throws SiloException {@code invalid-database-name} (400), {@code database-name-reserved} (409)
     */
    public String chosen(String name, String service) {
        String field = "databases." + service;
        if (name == null
                || name.isEmpty()
                || name.length() > Identifiers.MAX_BYTES
                || !(name.charAt(0) >= 'a' && name.charAt(0) <= 'z')
                || !Identifiers.isPlain(name)) {
            String shown = name == null ? "null" : name.length() > 80 ? name.substring(0, 80) + "..." : name;
            throw ProblemType.INVALID_DATABASE_NAME
                    .exception("database name '" + shown + "' for " + service + " must be 1 to 63 lower-case letters,"
                            + " digits and '_', starting with a letter, e.g. mobile_shop_db")
                    .with("field", field);
        }
        if (isReserved(name)) {
            throw ProblemType.DATABASE_NAME_RESERVED
                    .exception("database name '" + name + "' for " + service + " is reserved: "
                            + String.join(", ", new TreeSet<>(reserved)) + " and names starting with " + RESERVED_PREFIX
                            + " belong to PostgreSQL and Silo")
                    .with("database", name)
                    .with("field", field);
        }
        return name;
    }

    /** Whether {@code name} is one Silo never gives a tenant database. */
    public boolean isReserved(String name) {
        return reserved.contains(name) || name.startsWith(RESERVED_PREFIX);
    }

    private static String value(Name variable, String pattern, String service, NamingContext tenant) {
        Optional<String> raw = switch (variable) {
            case SERVICE -> Optional.of(service);
            case SLUG -> Optional.of(tenant.slug());
            case NAME -> Optional.of(tenant.name());
            case TENANT_ID -> Optional.of(tenant.tenantId().toString());
            case BUSINESS_TYPE -> tenant.businessType();
            case ADMIN_USERNAME -> tenant.adminUsername();
            case CREATED_MILLIS -> Optional.of(Long.toString(tenant.created().toEpochMilli()));
        };
        String value =
                Identifiers.sanitize(raw.orElseThrow(() -> missing(variable, pattern, service, tenant, "has none")));
        // a value of nothing but underscores would give unrelated tenants the same name ("日本" and "中国" both become
        // "__")
        if (value.chars().allMatch(c -> c == '_')) {
            throw missing(
                    variable, pattern, service, tenant, "has '" + raw.get() + "', which has no letter a-z or digit");
        }
        return value;
    }

    private static SiloException missing(
            Name variable, String pattern, String service, NamingContext tenant, String why) {
        return ProblemType.NAMING_VARIABLE_MISSING
                .exception("the database-name pattern '" + pattern + "' of service " + service + " needs "
                        + variable.braced() + ", and tenant " + tenant.slug() + " " + why)
                .with("variable", variable.key)
                .with("pattern", pattern);
    }
}
