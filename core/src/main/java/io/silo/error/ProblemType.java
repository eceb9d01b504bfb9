package io.silo.error;

import java.util.Locale;

/**
 * Every problem Silo can report, in one place: the only way to build a {@link SiloException}, so
 * that each case has one type, one kind (one HTTP status) and one description. {@code docs/errors.md}
 * lists exactly these, with these statuses and descriptions ({@code ProblemCatalogDocumentedTest}
 * holds the two together); clients branch on {@link #type()}.
 *
 * <p>A problem that names something in the request path that does not exist is a 404; the same name
 * in a request body is a 422 ({@link #inBody}), as for {@code unknown-service}.
 */
public enum ProblemType {
    ROUTE_NOT_FOUND(answered(ErrorKind.NOT_FOUND), "no such route"),
    METHOD_NOT_ALLOWED(answered(ErrorKind.METHOD_NOT_ALLOWED), "the route exists for other methods"),
    BODY_TOO_LARGE(answered(ErrorKind.TOO_LARGE), "the request body is over 4 MiB"),
    BAD_REQUEST(answered(ErrorKind.INVALID), "the HTTP layer refused the request before a route saw it"),
    MISSING_BODY(answered(ErrorKind.INVALID), "a JSON body is required"),
    INVALID_JSON(answered(ErrorKind.INVALID), "the body is not JSON, or not of the expected shape"),
    UNKNOWN_FIELD(
            answered(ErrorKind.INVALID),
            "the body has a field the route does not know, or a query names a field that is private, reserved, or not declared by a closed schema (`field`)"),
    MISSING_FIELD(answered(ErrorKind.INVALID), "a required field is absent or blank (`field`)"),
    INVALID_EMAIL(answered(ErrorKind.INVALID), "a field is not an email address (`field`)"),
    INVALID_FIELD(answered(ErrorKind.INVALID), "a field path is not identifiers joined by dots (`field`)"),
    INVALID_FILTER(
            answered(ErrorKind.INVALID),
            "a query filter is malformed: unknown operator, operator in the wrong place, value of the wrong type, too large or deep ([query language](query-language.md))"),
    INVALID_SORT(answered(ErrorKind.INVALID), "a sort has an empty key, a repeated field or too many keys"),
    INVALID_GROUPING(
            answered(ErrorKind.INVALID),
            "a grouping is malformed: an unknown date bucket, a repeated or empty key, more than 8 keys, a time zone that is no IANA name, an unknown order (`field`: the parameter) ([query language](query-language.md#grouping))"),
    INVALID_LIMIT(
            answered(ErrorKind.INVALID),
            "a limit is not a whole number in its range: 1 to 1000 for documents and groups, 1 to 500 for the other listings"),
    INVALID_CURSOR(
            answered(ErrorKind.INVALID),
            "a paging cursor was altered, truncated, or belongs to another sort (`field`)"),
    INVALID_ID(
            answered(ErrorKind.INVALID),
            "an id in a path, body or query is not a UUID in canonical form (`field`): documents, users, jobs, the audit log's `tenant`"),
    RESERVED_FIELD(
            answered(ErrorKind.INVALID),
            "a document body names a top-level `_…` field other than `_id` on insert or `_version` on change (`field`)"),
    INVALID_FIELD_NAME(
            answered(ErrorKind.INVALID),
            "a document body holds a field name that starts with `$` or contains `.`, at any depth: an operator or a path is never stored as data (`field`)"),
    INVALID_UPDATE(
            answered(ErrorKind.INVALID),
            "an update by operators is malformed: an unknown operator, a field beside operators, a bad path, a field changed twice, `$inc` of a non-number, `$push` onto a non-array ([query language](query-language.md#update-operators))"),
    INVALID_VERSION(
            answered(ErrorKind.INVALID),
            "an expected `_version` is not a whole number ≥ 1, or body and parameter disagree"),
    INVALID_BATCH(
            answered(ErrorKind.INVALID),
            "a batch is not `{\"operations\": [...]}` with 1 to 100 operations, or an operation lacks its `op`, `collection`, `id` or `body` (`operation`, `field`)"),
    INVALID_IDEMPOTENCY_KEY(
            answered(ErrorKind.INVALID),
            "an `Idempotency-Key` header is not 1 to 255 printable ASCII characters (`field`)"),
    INVALID_ROLLOUT(
            answered(ErrorKind.INVALID),
            "a rollout request's settings are out of range: `parallel` not 1 to 64, `canary` below 1, `autoContinue` without a canary, `continue` with one (`field`)"),
    DOCUMENT_NOT_FOUND(answered(ErrorKind.NOT_FOUND), "no document with this id in the collection (`id`)"),
    UNKNOWN_COLLECTION(answered(ErrorKind.NOT_FOUND), "the service's template has no such collection (`collection`)"),
    SERVICE_NOT_ENABLED(
            answered(ErrorKind.NOT_FOUND),
            "the organization does not use this service (`service`); 404 when the name is in the path or the query, 422 when it is in a body (`field`)"),
    WEAK_PASSWORD(
            answered(ErrorKind.UNPROCESSABLE),
            "the password is shorter than the policy in force (`minLength`; 10 characters by default)"),
    MISSING_TOKEN(answered(ErrorKind.UNAUTHENTICATED), "no `Authorization: Bearer` header"),
    INVALID_TOKEN(answered(ErrorKind.UNAUTHENTICATED), "the access token is forged, altered, expired or not Silo's"),
    INVALID_CREDENTIALS(answered(ErrorKind.UNAUTHENTICATED), "wrong email or password (the same for both)"),
    INVALID_REFRESH_TOKEN(answered(ErrorKind.UNAUTHENTICATED), "unknown, expired or revoked refresh token"),
    REFRESH_TOKEN_REUSED(
            answered(ErrorKind.UNAUTHENTICATED), "a spent refresh token was replayed; its session is revoked"),
    WRONG_CURRENT_PASSWORD(
            answered(ErrorKind.FORBIDDEN),
            "a signed-in member's current password, given to change it, is wrong; counted like a failed sign-in"),
    INVALID_RESET_TOKEN(
            answered(ErrorKind.INVALID),
            "the password reset token is unknown, used or expired (the same answer for each); ask for a new one"),
    INVALID_INVITATION_TOKEN(
            answered(ErrorKind.INVALID),
            "the invitation token is unknown, accepted, revoked or expired (the same answer for each); ask for a new invitation"),
    INVITATION_NOT_FOUND(
            answered(ErrorKind.NOT_FOUND), "no pending invitation with this id in the caller's organization"),
    SECOND_FACTOR_REQUIRED(
            answered(ErrorKind.UNAUTHENTICATED),
            "the platform administrator signs in with a second factor: send `totp` (the authenticator app's code) or `recoveryCode` with the password; told only to someone who gave the right password"),
    SECOND_FACTOR_ENROLLMENT_REQUIRED(
            answered(ErrorKind.FORBIDDEN),
            "every platform administrator must have a second factor (`admin.requireTotp`) and the caller has none: its token serves only to enroll one (`POST /api/admin/auth/totp`)"),
    SECOND_FACTOR_STATE(
            answered(ErrorKind.CONFLICT),
            "the caller's second factor is already enabled (an operator resets it: `silo admins reset-totp`), or a confirmation came before any enrollment was begun"),
    INVALID_TOTP_CODE(
            answered(ErrorKind.INVALID),
            "the code does not match the TOTP secret being enrolled, at this time step or one either side (`field`)"),
    VERSION_CONFLICT(
            answered(ErrorKind.CONFLICT), "the document changed since the expected version (`currentVersion`)"),
    CONDITION_FAILED(
            answered(ErrorKind.CONFLICT),
            "the document does not match the write's condition (`if`); nothing was written, in a batch nothing at all (`currentVersion`)"),
    DUPLICATE_KEY(
            answered(ErrorKind.CONFLICT),
            "a unique key of the collection is taken (`fields`: the key's fields, `[\"_id\"]` for a taken id)"),
    SCHEMA_VIOLATION(
            answered(ErrorKind.UNPROCESSABLE),
            "a document fails its collection's JSON Schema (`errors`: `{path, message}` per failing location, `path` a JSON Pointer; at most 100)"),
    REFERENCE_NOT_FOUND(
            answered(ErrorKind.UNPROCESSABLE),
            "a reference field names no document of its target collection, or no user of the organization ([templates](templates.md#references)) (`field`, `missing`)"),
    DOCUMENT_TOO_LARGE(answered(ErrorKind.UNPROCESSABLE), "a document is over 1 MiB as JSON (`limit`)"),
    DOCUMENT_TOO_DEEP(
            answered(ErrorKind.UNPROCESSABLE), "a document nests objects and arrays deeper than 32 levels (`limit`)"),
    FILES_NOT_ENABLED(
            answered(ErrorKind.NOT_FOUND),
            "the collection takes no files: its template gives it no `files` ([templates](templates.md)) (`collection`)"),
    FILE_NOT_FOUND(answered(ErrorKind.NOT_FOUND), "no file with this id on the document (`id`)"),
    FILE_TOO_LARGE(
            answered(ErrorKind.TOO_LARGE),
            "a file is over its collection's `files.maxBytes` (`limit`); nothing was stored"),
    FILE_TYPE_NOT_ALLOWED(
            answered(ErrorKind.UNSUPPORTED_MEDIA_TYPE),
            "a file's `Content-Type` is missing, or not one its collection's `files.contentTypes` accepts (`contentType`, `allowed`)"),
    INVALID_FILE_NAME(
            answered(ErrorKind.INVALID),
            "a file's `name` is missing, longer than 255 characters, or holds a control character, `/` or `\\` (`field`)"),
    STORAGE_QUOTA_EXCEEDED(
            answered(ErrorKind.TOO_LARGE),
            "the file would take the organization's files over its `maxFileBytes` quota (`quota`, `limit`, `used`); nothing was stored"),
    RANGE_NOT_SATISFIABLE(
            answered(ErrorKind.RANGE_NOT_SATISFIABLE),
            "a `Range` starts at or beyond the end of the file (`size`; `Content-Range: bytes */<size>`)"),
    INVALID_TTL(
            answered(ErrorKind.INVALID),
            "a signed file URL's `ttl` is not a whole number of seconds from 1 to `files.urlMaxTtl` (`field`)"),
    FILE_URL_INVALID(answered(ErrorKind.FORBIDDEN), "a signed file URL is forged, altered or not this deployment's"),
    FILE_URL_EXPIRED(answered(ErrorKind.GONE), "a signed file URL has expired; ask for a new one"),
    FILES_NOT_INSTALLED(
            answered(ErrorKind.CONFLICT),
            "the service's database was made before file storage and has no file tables yet; they come with the service's next migration"),
    TEMPLATE_RELOAD_REFUSED(
            answered(ErrorKind.CONFLICT),
            "a template reload (`POST /api/admin/templates/reload`) was refused and nothing changed on the instance asked: the services folder holds an invalid template, a released step edited, or what only a restart takes (a service added or removed, a version lowered or changed in place, a version served here missing, a larger file limit); one line per problem (`errors`)"),
    IDEMPOTENCY_KEY_IN_USE(
            answered(ErrorKind.CONFLICT),
            "a request with this `Idempotency-Key` is still running; retry once it has ended, and get its answer (`Retry-After`)"),
    IDEMPOTENCY_KEY_REUSED(
            answered(ErrorKind.UNPROCESSABLE),
            "the `Idempotency-Key` answered another request in the last 24 hours (another method, path, `if`, `If-Match` or body); a new request needs a new key"),
    PLATFORM_ADMIN_REQUIRED(answered(ErrorKind.FORBIDDEN), "the route is for platform administrators"),
    MEMBER_REQUIRED(answered(ErrorKind.FORBIDDEN), "the route is for members of an organization"),
    ORG_ADMIN_REQUIRED(
            answered(ErrorKind.FORBIDDEN),
            "the route is for administrators of the organization (role `admin` in `core`); a demoted or disabled administrator's sessions end at once, so their tokens get `invalid-token`"),
    SERVICE_NOT_GRANTED(
            answered(ErrorKind.FORBIDDEN),
            "the caller has no role in the service, or one its template no longer declares (`service`)"),
    COLLECTION_FORBIDDEN(
            answered(ErrorKind.FORBIDDEN),
            "the caller's role in the service may not read, or may not write, the collection (`service`, `collection`)"),
    DOCUMENT_FORBIDDEN(
            answered(ErrorKind.FORBIDDEN),
            "the caller's role reaches only documents whose owner fields name the caller: this one does not, or would not after the write ([templates](templates.md#rules)) (`fields`)"),
    FIELD_READ_ONLY(
            answered(ErrorKind.FORBIDDEN),
            "the caller's role may not set this field of the collection: it must be absent on insert and unchanged by a change (`field`)"),
    MEMBER_LIST_FORBIDDEN(
            answered(ErrorKind.FORBIDDEN),
            "none of the caller's roles may list the organization's members (a role's `listMembers` in its template); its administrators always may"),
    ORIGIN_NOT_ALLOWED(
            answered(ErrorKind.FORBIDDEN),
            "a CORS preflight from an origin neither the deployment (`http.corsOrigins`) nor any active or suspended organization (`corsOrigins`) allows (`origin`)"),
    ORGANIZATION_SUSPENDED(
            answered(ErrorKind.FORBIDDEN),
            "the organization is suspended; told at sign-in only to someone who gave the right password (`organization`)"),
    ORGANIZATION_UNAVAILABLE(
            answered(ErrorKind.FORBIDDEN), "the caller's organization is provisioning, failed, or being deleted"),
    ACCOUNT_DISABLED(
            answered(ErrorKind.FORBIDDEN),
            "the account is disabled; told at sign-in only to someone who gave the right password"),
    TOO_MANY_ATTEMPTS(
            answered(ErrorKind.RATE_LIMITED),
            "too many failed sign-ins for this login name, or from this client address, in the current window (`Retry-After`)"),
    ACCOUNT_LOCKED(
            answered(ErrorKind.RATE_LIMITED),
            "the account is locked after repeated failed sign-ins (`Retry-After`: when the lock ends)"),
    TOO_MANY_SIGNUPS(
            answered(ErrorKind.RATE_LIMITED),
            "too many sign-ups from this client address in the last hour (`Retry-After`)"),
    USER_NOT_FOUND(
            answered(ErrorKind.NOT_FOUND),
            "no user with this id in the caller's organization (users of other organizations are not found either)"),
    EMAIL_TAKEN(answered(ErrorKind.CONFLICT), "another user of the organization has this email (`field`)"),
    USERNAME_TAKEN(answered(ErrorKind.CONFLICT), "another user of the organization has this username (`field`)"),
    INVALID_USERNAME(
            answered(ErrorKind.INVALID), "a username is not 2 to 63 letters, digits, `.`, `_` or `-` (`field`)"),
    INVALID_STATUS(answered(ErrorKind.INVALID), "a status is not one of the allowed values (`field`)"),
    FIELD_TOO_LONG(
            answered(ErrorKind.INVALID),
            "a text field is longer than allowed, an organization's or a user's name among them (`field`)"),
    INVALID_TEXT(
            answered(ErrorKind.INVALID),
            "a name or other text holds control characters such as a line break (`field`)"),
    UNKNOWN_ROLE(
            answered(ErrorKind.UNPROCESSABLE),
            "the service's template has no such role (`field`, `roles`: the service's roles)"),
    CORE_ROLE_REQUIRED(
            answered(ErrorKind.UNPROCESSABLE),
            "a user's `core` role was removed; every user has one, `admin` or `member`"),
    ROLE_NOT_MANAGED(
            answered(ErrorKind.FORBIDDEN),
            "a member who manages users of a service (a role's `manages`) named a role or service beyond those it manages, or `core` (`field`)"),
    LAST_ADMIN(answered(ErrorKind.CONFLICT), "the change would leave the organization without an active administrator"),
    QUOTA_EXCEEDED(
            answered(ErrorKind.UNPROCESSABLE),
            "the organization's quota is reached (`quota`, `limit`), e.g. `maxUsers`, or `erp.branches` for the documents of a collection (also `service`, `collection`); nothing was written"),
    FEATURE_DISABLED(
            answered(ErrorKind.FORBIDDEN),
            "the organization's `features` switch this service or collection off (`feature`, `service`, `collection`): its data are kept, but neither read nor written until the feature is removed"),
    SLUG_TAKEN(
            answered(ErrorKind.CONFLICT),
            "an organization with this slug exists, or has it as its external id (`field`)"),
    EXTERNAL_ID_TAKEN(
            answered(ErrorKind.CONFLICT),
            "another organization has this external id, or any organization has it as its slug (`field`)"),
    INVALID_EXTERNAL_ID(
            answered(ErrorKind.INVALID),
            "an external id is not 1 to 100 letters, digits, `_`, `.` or `-` starting with a letter or digit, or is a UUID (`field`)"),
    ORGANIZATION_NOT_FOUND(answered(ErrorKind.NOT_FOUND), "no organization with this id or slug"),
    JOB_NOT_FOUND(answered(ErrorKind.NOT_FOUND), "no job with this id"),
    JOB_FINISHED(
            answered(ErrorKind.CONFLICT),
            "the job has already succeeded or failed; only an unfinished job can be cancelled"),
    JOB_NOT_CANCELLABLE(
            answered(ErrorKind.CONFLICT),
            "the job is of a kind that runs to its end once asked for, such as an organization's deletion (`kind`)"),
    IMPORTS_NOT_CONFIGURED(
            answered(ErrorKind.CONFLICT),
            "imports over HTTP are not configured: `imports.dir` names no directory (`silo import` works without it)"),
    INVALID_IMPORT_PATH(
            answered(ErrorKind.INVALID),
            "an import's folder or mapping file is not a relative path to an existing folder (file) inside `imports.dir`: it escapes it with `..` or a symbolic link, or is not there (`field`)"),
    INVALID_SLUG(
            answered(ErrorKind.INVALID),
            "a slug is not 1 to 63 lower-case letters, digits and single hyphens, looks like an id, or cannot be derived from the name (`field`)"),
    INVALID_BUSINESS_TYPE(
            answered(ErrorKind.INVALID),
            "a business type is not 1 to 40 letters, digits, spaces, `_` or `-` (`field`)"),
    INVALID_FEATURE(
            answered(ErrorKind.INVALID),
            "a feature is not a lower-case identifier or `off:service[.collection]`, or `features` is not an array (`field`)"),
    INVALID_QUOTA(
            answered(ErrorKind.INVALID),
            "a quota name is not an identifier or `service.collection`, its limit not a whole number of 0 or more, or `maxUsers` below 1 when an organization is created (no room for the first administrator) (`field`)"),
    INVALID_ORIGIN(
            answered(ErrorKind.INVALID),
            "an organization's `corsOrigins` is not a list of at most 20 origins, each `http(s)://host[:port]` as a browser sends it: no path, no wildcard (`field`)"),
    INVALID_PATCH(
            answered(ErrorKind.INVALID),
            "an organization or cluster patch is not a JSON object with at least one field"),
    INVALID_LABELS(
            answered(ErrorKind.INVALID),
            "a cluster's `labels` are not an object of at most 32 text values of at most 200 characters, keys of at most 63 letters, digits, `.`, `_`, `-` or `/` (`field`)"),
    DUPLICATE_SERVICE(answered(ErrorKind.INVALID), "a service is listed twice (`field`)"),
    INVALID_STATUS_TRANSITION(
            answered(ErrorKind.CONFLICT),
            "only an active organization can be suspended, and only a suspended one activated"),
    ORGANIZATION_DELETED(answered(ErrorKind.CONFLICT), "the organization was deleted while it was being created"),
    ORGANIZATION_NOT_ACTIVE(
            answered(ErrorKind.CONFLICT),
            "services are added to, removed from and restored to an active organization only; a role password rotates on an active or suspended one"),
    SERVICE_ALREADY_ENABLED(
            answered(ErrorKind.CONFLICT),
            "the organization uses the service already, or it is being added (`service`)"),
    SERVICE_REMOVED(
            answered(ErrorKind.CONFLICT),
            "the service was removed and its database waits for its drop (`dropAfter`): restore it, or add it afresh once it is dropped (`service`)"),
    SERVICE_NOT_REMOVED(
            answered(ErrorKind.CONFLICT),
            "only a removed service whose database was not dropped yet can be restored (`service`)"),
    CORE_SERVICE_REQUIRED(
            answered(ErrorKind.CONFLICT), "`core` holds the organization's members and cannot be removed"),
    RESTORE_WINDOW_CLOSED(
            answered(ErrorKind.GONE),
            "the removed service's grace period (`services.removalGrace`) is over: its database is dropped or being dropped (`service`)"),
    CONFIRMATION_MISMATCH(
            answered(ErrorKind.INVALID),
            "a destructive request lacks its typed confirmation, or it does not match: removing a service, an administrator closing their organization, or a restore replacing an organization needs `confirm` equal to the organization's slug (`field`)"),
    DATABASE_NAME_TAKEN(
            answered(ErrorKind.CONFLICT),
            "a database this organization needs already exists on its cluster, a chosen name is any other organization's database on any cluster, or two of its services would share one name (`database`)"),
    INVALID_BACKUP_KEY(
            answered(ErrorKind.INVALID),
            "a backup key is not 32 bytes written as base64 or as 64 hex digits ([operations](operations.md#backup-and-restore))"),
    BACKUP_KEY_MISMATCH(
            answered(ErrorKind.UNPROCESSABLE),
            "the backup archive was encrypted with another backup key; nothing was restored"),
    INVALID_ARCHIVE(
            answered(ErrorKind.UNPROCESSABLE),
            "the backup archive is not one, or is cut off, altered, of an unknown format or template, or fails its counts and checksums; nothing was restored"),
    BACKUPS_NOT_CONFIGURED(
            answered(ErrorKind.CONFLICT),
            "backups over HTTP are not configured: `backups.dir` or `backups.keyFile` is unset (`silo backup` works without them)"),
    BACKUP_NOT_FOUND(answered(ErrorKind.NOT_FOUND), "the organization has no backup of this name (`name`)"),
    NO_CLUSTER_AVAILABLE(answered(ErrorKind.CONFLICT), "no active cluster matches the requested labels and has room"),
    CLUSTER_NOT_ACCEPTING(
            answered(ErrorKind.CONFLICT),
            "the requested cluster takes no new tenants: an administrator set `acceptingTenants` to false, or it is disabled"),
    CLUSTER_FULL(answered(ErrorKind.CONFLICT), "the requested cluster is at its capacity"),
    UNKNOWN_CLUSTER(answered(ErrorKind.UNPROCESSABLE), "no cluster with the requested id (`field`)"),
    INVALID_PLACEMENT(
            answered(ErrorKind.UNPROCESSABLE),
            "an organization's `placement` names a service it does not get, or gives a service both or neither of `cluster` and `labels` (`field`)"),
    CLUSTER_TOO_OLD(
            answered(ErrorKind.UNPROCESSABLE),
            "the cluster runs a PostgreSQL older than 15: a cluster being registered is refused, nothing stored; else the provisioning job's `error`"),
    INVALID_CLUSTER(
            answered(ErrorKind.INVALID),
            "a cluster to register has an id that is not a lower-case letter then up to 30 letters, digits or `-`, a `url` that is not `jdbc:postgresql://host[:port]/database` (no parameters), or a `capacity` (1 to 1,000,000) or `connectionBudget` (2 to 100,000) out of range (`field`)"),
    CLUSTER_EXISTS(answered(ErrorKind.CONFLICT), "a cluster with this id is registered already (`field`)"),
    CLUSTER_UNUSABLE(
            answered(ErrorKind.UNPROCESSABLE),
            "the cluster to register does not answer, refuses its credentials, or its role may not create databases and roles; nothing is stored"),
    SERVICE_NOT_OFFERED(
            answered(ErrorKind.UNPROCESSABLE),
            "a sign-up asked for a service that `signup.services` does not offer (`services`: those offered)"),
    SIGNUP_NOT_FOUND(answered(ErrorKind.NOT_FOUND), "the sign-up token is unknown"),
    SIGNUP_ALREADY_VERIFIED(answered(ErrorKind.GONE), "the sign-up was verified already; its organization exists"),
    SIGNUP_EXPIRED(answered(ErrorKind.GONE), "the sign-up token expired (`signup.ttl`); sign up again"),
    MAIL_UNAVAILABLE(
            answered(ErrorKind.UNAVAILABLE),
            "the SMTP relay, or the local mailbox directory, refused the message (`Retry-After`)"),
    MAIL_NOT_FOUND(answered(ErrorKind.NOT_FOUND), "no such message in the local mailbox"),
    UNKNOWN_SERVICE(
            answered(ErrorKind.NOT_FOUND),
            "no service template of that name (`field` when it is in a body); 404 when the name is in the path or the query, 422 when it is in a body"),
    INVALID_NAME_PATTERN(
            internal(ErrorKind.INVALID),
            "a database-name pattern uses an unknown variable, a character other than `a-z0-9_`, or no variable that tells tenants apart (`pattern`)"),
    NAMING_VARIABLE_MISSING(
            answered(ErrorKind.UNPROCESSABLE),
            "a service's database-name pattern needs a value the tenant lacks, such as a business type, or one with no letter or digit (`variable`, `pattern`)"),
    DATABASE_NAME_RESERVED(
            answered(ErrorKind.CONFLICT),
            "the database name would be `postgres`, `template0`, `template1`, the control database's, or start with `silo_` (`database`)"),
    INVALID_DATABASE_NAME(
            answered(ErrorKind.INVALID),
            "a database name chosen for a service is not 1 to 63 lower-case letters, digits and `_` starting with a letter, or names a service the organization does not get (`field`)"),
    SCHEMA_SERVICE_MISMATCH(
            internal(ErrorKind.CONFLICT), "a template was applied to a database that holds another service"),
    SCHEMA_VERSION_AHEAD(
            internal(ErrorKind.CONFLICT),
            "a database is at a newer version than its template; Silo does not downgrade"),
    TEMPLATE_CHANGED_WITHOUT_VERSION(
            internal(ErrorKind.CONFLICT), "a template changed but kept its version; it needs a new migration"),
    SCHEMA_APPLY_FAILED(
            internal(ErrorKind.INTERNAL),
            "a statement failed while applying a template; everything was rolled back (the log names database, version and step). Inside a provisioning job: the job's `error`; a client never receives this type"),
    MIGRATION_STEP_EDITED(
            internal(ErrorKind.CONFLICT),
            "a released migration step was removed or edited: its checksum differs from the one a database's ledger or the control plane recorded. At start-up: one line naming the file and step; in a rollout: that database's failure"),
    MIGRATION_DUPLICATES(
            internal(ErrorKind.CONFLICT),
            "`addUniqueKey` found documents sharing the key; the database stays at its version and the rollout's progress lists them"),
    MIGRATION_SCHEMA_REJECTED(
            internal(ErrorKind.CONFLICT),
            "`changeSchema` found documents the collection's new schema refuses; the database stays at its version and the rollout's progress lists them"),
    MIGRATION_INCOMPLETE(
            internal(ErrorKind.CONFLICT),
            "a rollout ended with databases that failed (or a canary with one that failed); the job's `error` says how many, its progress lists each with its reason"),
    PORT_IN_USE(internal(ErrorKind.UNAVAILABLE), "start-up: the HTTP port is taken"),
    INVALID_CONFIG(internal(ErrorKind.INTERNAL), "start-up: a configuration value is wrong"),
    INVALID_TEMPLATE(
            internal(ErrorKind.INVALID),
            "start-up: a service template is invalid; one line per problem, each naming file, place and value (`errors`)"),
    CONTROL_DATABASE_UNREACHABLE(
            internal(ErrorKind.UNAVAILABLE),
            "start-up: the control database does not answer. Once running, a control database that stops answering is a 503 `control-database-unavailable`"),
    INVALID_SCHEMA(
            internal(ErrorKind.INTERNAL),
            "a collection's JSON Schema in its service template does not compile, or refers to a remote schema; logged, and answered as 500 `internal-error`"),
    CONNECTION_BUDGET_EXHAUSTED(
            answered(ErrorKind.UNAVAILABLE),
            "every connection of the cluster's budget stayed in use for `pools.acquireTimeout`; names the cluster (see [operations](operations.md#pools-and-the-connection-budget))"),
    DATABASE_BUSY(
            answered(ErrorKind.UNAVAILABLE),
            "all `pools.maxPerDatabase` connections of the tenant database stayed in use for `pools.acquireTimeout`, or half of them carry file uploads already (`Retry-After`)"),
    CLUSTER_UNAVAILABLE(
            answered(ErrorKind.UNAVAILABLE),
            "the cluster holding the tenant's database refuses connections or does not answer; its requests fail at once until a background probe gets an answer; names the cluster"),
    DATABASE_UNAVAILABLE(
            answered(ErrorKind.UNAVAILABLE),
            "the tenant database refuses the tenant's role: no such database, no `CONNECT` privilege, wrong password, closed to connections; also a tenant's or cluster's database whose connection failed during a request (the log says which)"),
    CONTROL_DATABASE_UNAVAILABLE(
            answered(ErrorKind.UNAVAILABLE),
            "the control database does not answer (or its pool's connections all stayed busy for 5 s): sign-in, refresh, sign-up and the routes that read or change organizations, users or the audit log wait for it; members with a valid token go on with their own data (`Retry-After`; [operations](operations.md#the-control-database-away))"),
    SHUTTING_DOWN(answered(ErrorKind.UNAVAILABLE), "the instance is stopping and lends no more tenant connections"),
    OVERLOADED(
            answered(ErrorKind.UNAVAILABLE),
            "the instance is serving `http.maxConcurrentRequests` requests already; this one was refused at once, not queued"),
    CONFIRMATION_REQUIRED(
            internal(ErrorKind.INVALID),
            "CLI: `silo tenants delete` and `silo tenants remove-service` need `--yes` when no terminal can confirm"),
    PASSWORD_UNREADABLE(internal(ErrorKind.INVALID), "CLI: the administrator's password could not be read"),
    ADMIN_NOT_FOUND(internal(ErrorKind.NOT_FOUND), "CLI: no platform administrator has this email (`silo admins`)"),
    CLUSTER_NOT_FOUND(
            answered(ErrorKind.NOT_FOUND),
            "no cluster with that id (`PATCH /api/admin/clusters/{id}`, `silo clusters set`)"),
    CLUSTER_CONFIGURED(
            answered(ErrorKind.CONFLICT),
            "the cluster comes from the configuration, which sets its credentials at every start: rotate its password on the server and in the configuration (`POST /api/admin/clusters/{id}/rotate-password` is for clusters registered at run time)"),
    MOVE_REFUSED(
            answered(ErrorKind.CONFLICT),
            "the organization cannot move now: it is on that cluster already, a move or another job is changing it, or one of its databases is not ready (`organization`)"),
    CLUSTER_IN_USE(
            answered(ErrorKind.CONFLICT),
            "the cluster cannot be removed: it holds tenant databases (old copies of moved organizations included, `databases`), or it is the only one, or it holds the control database"),
    SECRET_UNREADABLE(
            internal(ErrorKind.INTERNAL),
            "a sealed secret cannot be opened: the master key is not the one it was sealed with"),
    CONTROL_MIGRATION_FAILED(internal(ErrorKind.INTERNAL), "start-up: the control database could not be migrated"),
    CONTROL_DUMP_INVALID(
            internal(ErrorKind.INVALID),
            "CLI: `silo control restore` was given something other than a whole, unaltered control-plane backup sealed by this master key; nothing was loaded"),
    CONTROL_DATABASE_NOT_EMPTY(
            internal(ErrorKind.CONFLICT),
            "CLI: `silo control restore` loads into a new, empty control database only, never over one in use"),
    EMBEDDED_POSTGRES_FAILED(
            internal(ErrorKind.UNAVAILABLE),
            "start-up: the embedded PostgreSQL did not start (the data directory is in use, or damaged)"),
    WRITE_OUTCOME_UNKNOWN(
            answered(ErrorKind.UNAVAILABLE),
            "the connection to the tenant database broke during a write: it may or may not have been applied; read before retrying (no `Retry-After`)"),
    DATABASE_FENCED(
            answered(ErrorKind.UNAVAILABLE),
            "the tenant database refuses writes for a moment, for a migration step or a move; reads go on (`Retry-After`)"),
    DATABASE_NOT_READY(
            answered(ErrorKind.UNAVAILABLE),
            "the tenant database of the service is not ready: pending, being created, failed or being dropped (`Retry-After`)"),
    DATABASE_OUTDATED(
            answered(ErrorKind.UNAVAILABLE),
            "the tenant database was made before a table the request needs: `silo_idempotency` for an `Idempotency-Key`, `silo_sequences` for a numbered field; an operator must bring it forward (`table`)"),
    DATABASE_VERSION_UNKNOWN(
            answered(ErrorKind.UNAVAILABLE),
            "the tenant database is at a template version newer than this instance of Silo knows (a rolling upgrade half done): it takes writes from upgraded instances only; reads go on (`Retry-After`)"),
    PASSWORD_HASHING_BUSY(
            answered(ErrorKind.UNAVAILABLE), "too many passwords are being checked at once (`Retry-After`)"),
    PROVISIONING_IN_PROGRESS(
            internal(ErrorKind.UNAVAILABLE),
            "a deletion waits for the organization's provisioning to stop; inside the deletion job, which retries"),
    QUERY_TIMEOUT(
            answered(ErrorKind.UNAVAILABLE),
            "a data query ran longer than `pools.statementTimeout`; PostgreSQL cancelled it"),
    SIGNUP_DISABLED(answered(ErrorKind.FORBIDDEN), "self-service sign-up is turned off (`signup.enabled`)"),
    INTERNAL_ERROR(
            answered(ErrorKind.INTERNAL),
            "a bug; the log has the details under the request id. Every 500 is this type, whatever the cause"),
    UNSUPPORTED_MEDIA_TYPE(answered(ErrorKind.UNSUPPORTED_MEDIA_TYPE), "the request body is not JSON (`Content-Type`)"),
    DATABASE_ERROR(
            internal(ErrorKind.INTERNAL),
            "a statement failed; logged with its SQL, and answered as 503 `database-unavailable` (`control-database-unavailable` for the control database) when the connection broke, else 500 `internal-error`");

    private final ErrorKind kind;
    private final boolean answered;
    private final String when;

    ProblemType(Audience audience, String when) {
        this.kind = audience.kind();
        this.answered = audience.answered();
        this.when = when;
    }

    /** The stable slug clients see, e.g. {@code unknown-service}. */
    public String type() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** What kind of failure this is; the HTTP layer maps each kind to one status. */
    public ErrorKind kind() {
        return kind;
    }

    /**
     * Whether a client can receive this problem. Others stop start-up, end a CLI command, or are
     * recorded as a job's error.
     */
    public boolean answered() {
        return answered;
    }

    /** When it happens, as {@code docs/errors.md} says (Markdown). */
    public String when() {
        return when;
    }

    /** A new exception of this type. */
    public SiloException exception(String message) {
        return new SiloException(this, kind, message, null);
    }

    /** A new exception of this type, caused by {@code cause}. */
    public SiloException exception(String message, Throwable cause) {
        return new SiloException(this, kind, message, cause);
    }

    /** A new exception for a name given in a request body that names nothing: 422 where the path would be 404. */
    public SiloException inBody(String message) {
        if (kind != ErrorKind.NOT_FOUND) {
            throw new IllegalStateException(type() + " is not a problem of a missing name");
        }
        return new SiloException(this, ErrorKind.UNPROCESSABLE, message, null);
    }

    private record Audience(ErrorKind kind, boolean answered) {}

    private static Audience answered(ErrorKind kind) {
        return new Audience(kind, true);
    }

    private static Audience internal(ErrorKind kind) {
        return new Audience(kind, false);
    }
}
