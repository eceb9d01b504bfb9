package io.silo.http.security;

/** Who a route answers with a success, as far as tenant A's callers go. */
enum RouteAccess {
    /** anyone: health, keys, the description, sign-in, sign-up, signed file URLs */
    OPEN,
    /** members of an organization only: a forged credential or nobody never gets a 2xx */
    FOR_MEMBERS,
    /** platform administrators only: no caller of A ever gets a 2xx */
    FOR_PLATFORM_ADMINISTRATORS;

    boolean answers(Caller caller) {
        return switch (this) {
            case OPEN -> true;
            case FOR_MEMBERS -> caller.kind() == Caller.Kind.MEMBER;
            case FOR_PLATFORM_ADMINISTRATORS -> false;
        };
    }
}
