package io.silo.http.security;

import io.silo.template.TemplateCatalog;
import java.util.List;
import java.util.Set;

/**
 * Everything the fuzzer draws from: the two organizations, the templates of their services, tenant
 * A's callers, and the canaries planted in B (to guess with, in filters and searches).
 *
 * @param alpha tenant A, whose callers send every request
 * @param beta tenant B, the one whose data must never show
 * @param templates the templates of both organizations' services
 * @param callers A's members, nobody, and forged, altered, expired or revoked credentials
 * @param betaCanaries canaries planted in B
 * @param privateOfA values of A's private fields, which no answer may hold
 * @param hiddenOfA values of A's fields hidden from its clerks
 */
record FuzzWorld(
        TenantSide alpha,
        TenantSide beta,
        TemplateCatalog templates,
        List<Caller> callers,
        List<String> betaCanaries,
        Set<String> privateOfA,
        Set<String> hiddenOfA) {
    FuzzWorld {
        callers = List.copyOf(callers);
        betaCanaries = List.copyOf(betaCanaries);
        privateOfA = Set.copyOf(privateOfA);
        hiddenOfA = Set.copyOf(hiddenOfA);
    }
}
