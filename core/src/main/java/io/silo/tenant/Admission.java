package io.silo.tenant;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.time.Duration;
import java.util.Optional;

/**
 * The one rule that decides whether a request may reach an organization: from its status, the state
 * of the database the request needs, and the family of the route. Every place that lets a request
 * through (the data routes, the user and activity routes, sign-in, refresh, the routing to tenant
 * databases) asks here and only gathers the facts; {@code docs/security.md} has the table, and
 * {@code AdmissionTableTest} walks it whole.
 *
 * <p>Who the caller is comes first and elsewhere: a token of an ended session is refused before
 * (401 {@code invalid-token}), and a user deleted or disabled ends its sessions. Platform
 * administrators' routes and {@code /api/health} are not an organization's, and are not admitted
 * here.
 *
 * <p>Stateless and thread-safe.
 */
public final class Admission {
    /** How soon a client may retry when a database is fenced or not ready: fences are kept short. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private Admission() {}

    /** The families of routes that reach an organization, by what they do to its data. */
    public enum Route {
        /** A member's sign-in: reads credentials and records the attempt in the core database. */
        SIGN_IN,
        /** A refresh: reads the member in the core database; a refusal here ends the session. */
        REFRESH,
        /** Reads: documents, counts, groups, users, the activity log, a member's own health. */
        READ,
        /** Writes: documents, batches, users. */
        WRITE
    }

    /** The organization's status, for {@code route}; empty when it may go on. */
    public static Optional<SiloException> organization(Optional<TenantStatus> status, String slug, Route route) {
        if (status.isEmpty()) {
            return Optional.of(
                    switch (route) {
                        case SIGN_IN -> invalidCredentials();
                        case REFRESH ->
                            ProblemType.INVALID_REFRESH_TOKEN.exception("the organization no longer exists");
                        case READ, WRITE ->
                            ProblemType.INVALID_TOKEN.exception("the organization of this token no longer exists");
                    });
        }
        return switch (status.get()) {
            case ACTIVE -> Optional.empty();
            case SUSPENDED ->
                Optional.of(
                        route == Route.REFRESH
                                ? ProblemType.INVALID_REFRESH_TOKEN.exception("organization " + slug + " is suspended")
                                : ProblemType.ORGANIZATION_SUSPENDED
                                        .exception("organization " + slug + " is suspended; ask the platform operator")
                                        .with("organization", slug));
            case PROVISIONING, FAILED, DELETING ->
                Optional.of(
                        switch (route) {
                            // a stranger learns nothing: as if the login did not exist
                            case SIGN_IN -> invalidCredentials();
                            case REFRESH ->
                                ProblemType.INVALID_REFRESH_TOKEN.exception("organization " + slug + " is "
                                        + status.get().value());
                            case READ, WRITE ->
                                ProblemType.ORGANIZATION_UNAVAILABLE.exception("organization " + slug + " is "
                                        + status.get().value());
                        });
        };
    }

    /**
     * The state of the database {@code route} needs; empty when it may go on.
     *
     * @param database empty when the organization does not use the service
     */
    public static Optional<SiloException> database(
            Optional<DatabaseState> database, String slug, String service, Route route) {
        if (database.isEmpty()) {
            return Optional.of(ProblemType.SERVICE_NOT_ENABLED
                    .exception("organization " + slug + " does not use the service '" + service + "'")
                    .with("service", service));
        }
        return switch (database.get()) {
            case READY -> Optional.empty();
            case WRITE_FENCED ->
                route == Route.READ || route == Route.REFRESH
                        ? Optional.empty()
                        : Optional.of(ProblemType.DATABASE_FENCED
                                .exception("the " + service + " database of " + slug
                                        + " accepts no writes for a moment (a migration or a move); retry shortly")
                                .retryAfter(RETRY_AFTER));
            case DETACHED ->
                Optional.of(ProblemType.SERVICE_NOT_ENABLED
                        .exception("organization " + slug + " removed the service '" + service + "'")
                        .with("service", service));
            case PENDING, CREATING, FAILED, DROPPING ->
                Optional.of(ProblemType.DATABASE_NOT_READY
                        .exception("the " + service + " database of " + slug + " is "
                                + database.get().value())
                        .retryAfter(RETRY_AFTER));
        };
    }

    /**
     * Whether this instance of Silo may write to a database at {@code databaseVersion} when the
     * newest version of the service's template it knows is {@code knownVersion}: a newer release
     * brought the database further (a rolling upgrade half done), and this instance would check the
     * write against roles, rules and schemas older than the database's, so it refuses with 503
     * {@code database-version-unknown} and {@code Retry-After} instead of guessing; reads go on.
     */
    public static Optional<SiloException> version(
            int databaseVersion, int knownVersion, String slug, String service, Route route) {
        if (databaseVersion <= knownVersion || route == Route.READ || route == Route.REFRESH) {
            return Optional.empty();
        }
        return Optional.of(ProblemType.DATABASE_VERSION_UNKNOWN
                .exception("the " + service + " database of " + slug + " is at version " + databaseVersion
                        + ", newer than this instance of Silo knows (" + knownVersion
                        + "); it takes writes from upgraded instances only")
                .retryAfter(RETRY_AFTER));
    }

    /** Both: the organization first, then the database; empty when the request may go on. */
    public static Optional<SiloException> refusal(
            Optional<TenantStatus> status, Optional<DatabaseState> database, String slug, String service, Route route) {
        return organization(status, slug, route).or(() -> database(database, slug, service, route));
    }

    /** Throws the refusal, if any. */
    public static void check(Optional<SiloException> refusal) {
        if (refusal.isPresent()) {
            throw refusal.get();
        }
    }

    private static SiloException invalidCredentials() {
        return ProblemType.INVALID_CREDENTIALS.exception("organization, login or password is wrong");
    }
}
