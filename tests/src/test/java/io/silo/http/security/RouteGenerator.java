package io.silo.http.security;

/**
 * Makes one random request for one route, from what {@link RequestMutator} offers: mostly
 * well-formed, aimed at tenant B's ids, names and tokens, or altered and forged ones.
 */
@FunctionalInterface
interface RouteGenerator {
    FuzzRequest next(RequestMutator fuzz);
}
