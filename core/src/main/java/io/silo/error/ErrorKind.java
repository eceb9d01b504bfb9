package io.silo.error;

/**
 * What went wrong, in the few categories a client can act on. The HTTP layer maps each kind to
 * one status code in one place; nothing below it knows about HTTP.
 */
public enum ErrorKind {
    /** The request is malformed: bad JSON, an unknown field, an unsafe name. */
    INVALID,
    /** The request is well formed but its content breaks a rule: a schema, a quota, a policy. */
    UNPROCESSABLE,
    /** No valid credentials were presented. */
    UNAUTHENTICATED,
    /** The caller is known but may not do this. */
    FORBIDDEN,
    /** The named resource does not exist, or the caller may not know that it does. */
    NOT_FOUND,
    /** The change conflicts with the current state: a taken name, a stale version. */
    CONFLICT,
    /** The resource existed and is gone for good: a spent verification token. */
    GONE,
    /** The route exists, but not for this method. */
    METHOD_NOT_ALLOWED,
    /** The request body is larger than accepted. */
    TOO_LARGE,
    /** The request body is not of a media type the route reads. */
    UNSUPPORTED_MEDIA_TYPE,
    /** The requested range of a file lies beyond its end. */
    RANGE_NOT_SATISFIABLE,
    /** Too many attempts; retry later. */
    RATE_LIMITED,
    /** A dependency is down or saturated; retry later. */
    UNAVAILABLE,
    /** A bug or an unexpected failure; details are logged, never sent. */
    INTERNAL
}
