package io.silo.app.imports;

import io.silo.app.access.Access;
import io.silo.app.input.Fields;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.Secrets;
import io.silo.error.SiloException;
import io.silo.identity.User;
import io.silo.json.Json;
import io.silo.postgres.identity.DirectoryRelay;
import io.silo.postgres.identity.DirectoryStore;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.Tenant;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users of an imported organization. A person's copies (one per service in the office suite's
 * layout) become one user with a role per service; where copies disagree the first read wins and
 * the report says so. A user who exists already (the first administrator, made with the
 * organization, or anyone a re-run meets again) is found by email or username and kept as they
 * are. A bcrypt hash is stored as it is (checked at the first sign-in, then rehashed to argon2id); a
 * plain-text password is hashed on the way in, and reported.
 *
 * <p>Thread-safe.
 */
final class ImportedUsers {
    private static final Logger log = LoggerFactory.getLogger(ImportedUsers.class);

    private final TenantConnections connections;
    private final UserStore store;
    private final DirectoryStore directory;
    private final DirectoryRelay relay;
    private final PasswordHasher hasher;
    private final TemplateCatalog templates;
    private final Clock clock;

    ImportedUsers(
            TenantConnections connections,
            UserStore store,
            DirectoryStore directory,
            DirectoryRelay relay,
            PasswordHasher hasher,
            TemplateCatalog templates,
            Clock clock) {
        this.connections = connections;
        this.store = store;
        this.directory = directory;
        this.relay = relay;
        this.hasher = hasher;
        this.templates = templates;
        this.clock = clock;
    }

    /**
     * One copy of a person, as one service's user collection had it.
     *
     * @param origin where it was read ({@code database.collection}), for the report
     * @param secondary a copy that another one overrides, read after the others: the main database's
     *     copy of the dual-write POS, whose tenant database's copy wins, roles included (an administrator
     *     role in a stale main copy makes nobody the organization's administrator)
     */
    record Copy(
            String service,
            String sourceId,
            Optional<String> email,
            Optional<String> username,
            String name,
            Optional<String> password,
            Optional<String> role,
            boolean active,
            String origin,
            boolean secondary) {}

    /** A person: their copies merged. */
    static final class Person {
        final Optional<String> email;
        final Optional<String> username;
        final String name;
        final Optional<String> password;
        final boolean active;
        final String origin;
        final Map<String, String> roles = new LinkedHashMap<>();
        final List<String> sourceIds = new ArrayList<>();

        Person(Copy first) {
            this.email = first.email();
            this.username = first.username();
            this.name = first.name();
            this.password = first.password();
            this.active = first.active();
            this.origin = first.origin();
        }

        String login() {
            return email.or(() -> username).orElseThrow();
        }

        boolean admin() {
            return Access.ORG_ADMIN.equals(roles.get(ServiceTemplate.CORE));
        }
    }

    /**
     * Merges the copies of an organization's users into persons, by email (else username), the
     * roles mapped through {@code mapping}; a copy with neither, or with an invalid one, is rejected.
     */
    List<Person> merge(List<Copy> copies, ImportMapping mapping, ImportReport.Tenant report) {
        Map<String, Person> persons = new LinkedHashMap<>();
        for (Copy raw : copies) {
            Copy copy;
            try {
                copy = checked(raw);
            } catch (SiloException e) {
                report.reject(ServiceTemplate.CORE, "users", raw.sourceId(), e.getMessage());
                continue;
            }
            String key = copy.email()
                    .map(text -> "email:" + text)
                    .orElseGet(() -> "username:" + copy.username().orElseThrow());
            Person person = persons.computeIfAbsent(key, ignored -> new Person(copy));
            ServiceTemplate template = templates.require(copy.service());
            String role = role(template, copy.role(), mapping, report);
            if (!person.sourceIds.isEmpty()) {
                disagreements(person, copy, role, report);
            } else if (copy.secondary()) {
                report.note("user " + person.login() + " is only in " + copy.origin()
                        + ", not in the organization's own database: imported from there");
            }
            person.sourceIds.add(copy.sourceId());
            // a stale main-database copy must not make an administrator of someone their tenant's copy does not
            boolean overridden = copy.secondary() && person.roles.containsKey(copy.service());
            if (overridden) {
                continue;
            }
            person.roles.putIfAbsent(copy.service(), role);
            if (role.equals(template.adminRole())) {
                person.roles.put(ServiceTemplate.CORE, Access.ORG_ADMIN);
            }
        }
        for (Person person : persons.values()) {
            person.roles.putIfAbsent(ServiceTemplate.CORE, templates.core().defaultRole());
        }
        return List.copyOf(persons.values());
    }

    /** The hash a person's user is stored with; a plain-text or missing password is hashed now, and noted. */
    String hash(Person person, String organization, ImportReport.Tenant report) {
        PasswordHasher.Claimant who = new PasswordHasher.Claimant(organization, "import");
        Optional<String> password = person.password.filter(text -> !text.isEmpty());
        if (password.isEmpty()) {
            report.note("user " + person.login() + " had no password: they must set one (a reset)");
            return hasher.rehash(Secrets.password(), who);
        }
        String given = password.get();
        if (PasswordHasher.isBcrypt(given) || given.startsWith("$argon2id$")) {
            return given;
        }
        report.note("user " + person.login() + " had a plain-text password: hashed with argon2id on the way in"
                + (given.length() < PasswordHasher.MIN_LENGTH
                        ? "; it is shorter than the policy, ask them to change it"
                        : ""));
        return hasher.rehash(given, who);
    }

    /**
     * Writes the persons as users of {@code tenant} and returns the user each source id became, for
     * the references of the documents that follow. {@code madeWithTenant} is the first administrator
     * when this run created the organization (and them with it).
     */
    Map<String, UUID> write(
            Tenant tenant,
            String source,
            List<Person> persons,
            Optional<Person> madeWithTenant,
            ImportReport.Tenant report) {
        Map<String, UUID> existing = connections.inTransaction(tenant.id(), ServiceTemplate.CORE, core -> {
            Map<String, UUID> found = new HashMap<>();
            for (Person person : persons) {
                find(core, person).ifPresent(id -> found.put(person.login(), id));
            }
            return found;
        });
        ImportReport.Counts counts = report.counts(ServiceTemplate.CORE, "users");
        Map<String, UUID> ids = new HashMap<>();
        List<UserStore.NewUser> created = new ArrayList<>();
        List<Person> createdPersons = new ArrayList<>();
        for (Person person : persons) {
            UUID id = existing.get(person.login());
            if (id != null && madeWithTenant.filter(made -> made == person).isPresent()) {
                counts.imported++; // the first administrator, made with the organization in this run
            } else if (id != null) {
                counts.unchanged++;
            } else {
                id = StableIds.of(source, person.sourceIds.getFirst());
                created.add(new UserStore.NewUser(
                        id,
                        person.email,
                        person.username,
                        person.name,
                        hash(person, tenant.id().toString(), report),
                        person.roles,
                        Json.object()));
                createdPersons.add(person);
            }
            for (String sourceId : person.sourceIds) {
                ids.put(sourceId, id);
            }
        }
        if (!created.isEmpty()) {
            directory.markDirty(tenant.id(), clock.instant());
            connections.inTransaction(tenant.id(), ServiceTemplate.CORE, core -> {
                for (int i = 0; i < created.size(); i++) {
                    User user = store.insertIfAbsent(core, created.get(i));
                    if (!createdPersons.get(i).active) {
                        store.change(core, user.id(), disabled(user));
                    }
                }
                return null;
            });
            counts.imported += created.size();
            try {
                relay.drain(tenant.id());
            } catch (RuntimeException e) {
                // committed; the sweeper applies the outbox once the dirty mark is old enough
                log.warn(
                        "directory of imported organization {} left to the sweeper: {}", tenant.slug(), e.getMessage());
            }
        }
        return ids;
    }

    /** The hash of the first administrator, who is made with the organization. */
    Optional<Person> firstAdmin(List<Person> persons) {
        return persons.stream()
                .filter(Person::admin)
                .findFirst()
                .or(() -> persons.stream().findFirst());
    }

    private Optional<UUID> find(Handle core, Person person) {
        return person.email
                .flatMap(email -> store.credentials(core, "email", email))
                .or(() -> person.username.flatMap(name -> store.credentials(core, "username", name)))
                .map(UserStore.Credentials::userId);
    }

    private UserStore.Edit disabled(User user) {
        return new UserStore.Edit(
                user.email(),
                user.username(),
                user.name(),
                "disabled",
                user.profile(),
                user.roles(),
                Optional.empty(),
                clock.instant());
    }

    private static Copy checked(Copy copy) {
        Optional<String> email = copy.email()
                .filter(text -> !text.isBlank())
                .map(text -> Fields.email(text.trim(), "email").toLowerCase(Locale.ROOT));
        Optional<String> username = copy.username()
                .filter(text -> !text.isBlank())
                .map(text -> Fields.username(text.trim(), "username").toLowerCase(Locale.ROOT));
        if (email.isEmpty() && username.isEmpty()) {
            throw io.silo.error.ProblemType.MISSING_FIELD
                    .exception("a user needs an email or a username")
                    .with("field", "email");
        }
        String name = copy.name().isBlank() ? email.or(() -> username).orElseThrow() : copy.name();
        return new Copy(
                copy.service(),
                copy.sourceId(),
                email,
                username,
                name,
                copy.password(),
                copy.role(),
                copy.active(),
                copy.origin(),
                copy.secondary());
    }

    private static void disagreements(Person person, Copy copy, String role, ImportReport.Tenant report) {
        List<String> differ = new ArrayList<>();
        if (!person.name.equals(copy.name())) {
            differ.add("name");
        }
        if (!person.password.equals(copy.password())) {
            differ.add("password");
        }
        if (person.active != copy.active()) {
            differ.add("active");
        }
        if (person.roles.containsKey(copy.service())
                && !person.roles.get(copy.service()).equals(role)) {
            differ.add("role");
        }
        if (!differ.isEmpty()) {
            report.note("user " + person.login() + ": the copy in " + copy.origin() + " (" + copy.service()
                    + ") differs in " + differ + "; the first copy read (" + person.origin + ", "
                    + person.roles.keySet().iterator().next() + ") is kept");
        }
    }

    private static String role(
            ServiceTemplate template, Optional<String> given, ImportMapping mapping, ImportReport.Tenant report) {
        if (given.isEmpty()) {
            return template.defaultRole();
        }
        String mapped = mapping.roles().getOrDefault(given.get(), given.get());
        if (template.role(mapped).isPresent()) {
            return mapped;
        }
        report.note("role '" + given.get() + "' is no role of " + template.service() + ": its users got "
                + template.defaultRole() + " (map it under 'roles' in the mapping)");
        return template.defaultRole();
    }
}
