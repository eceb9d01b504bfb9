package io.silo.http.security;

import java.util.Optional;

/**
 * Who sends one of the fuzzer's requests as tenant A: one of its members (every role of its
 * services, and its administrator), nobody, or a credential that must authenticate nobody
 * (forged, altered, revoked or another tenant's refresh token).
 *
 * @param label how the summary and a failure name it, e.g. {@code member:student}
 * @param authorization the {@code Authorization} header it sends, if any
 * @param kind what it is, which decides what it may be answered
 * @param userId the member's id, for a member
 */
record Caller(String label, Optional<String> authorization, Kind kind, Optional<String> userId) {
    /** What a caller is. */
    enum Kind {
        MEMBER,
        ANONYMOUS,
        /** a credential that must be refused wherever a token counts */
        FORGED
    }

    static Caller member(String label, String accessToken, String userId) {
        return new Caller(label, Optional.of("Bearer " + accessToken), Kind.MEMBER, Optional.of(userId));
    }

    static Caller anonymous() {
        return new Caller("anonymous", Optional.empty(), Kind.ANONYMOUS, Optional.empty());
    }

    static Caller forged(String label, String authorization) {
        return new Caller(label, Optional.of(authorization), Kind.FORGED, Optional.empty());
    }
}
