package io.silo.http.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the fuzzer knows of one organization after the set-up: its names, members with their tokens,
 * documents and files of every collection, and the cursors, tokens and URLs it was given. Tenant A's
 * side grows while the fuzzer runs (documents and users it creates); tenant B's is only read.
 *
 * <p>Not thread-safe.
 */
final class TenantSide {
    /** A member: its role in every service is what its label says ({@code admin}, {@code low} …). */
    record Member(
            String label,
            String id,
            String email,
            String username,
            String password,
            String accessToken,
            String refreshToken) {}

    /** A stored file of a document. */
    record StoredFile(String service, String collection, String documentId, String fileId) {}

    final String id;
    final String slug;
    final String name;
    final List<String> services;
    final Map<String, String> databases = new LinkedHashMap<>();
    final Map<String, Member> members = new LinkedHashMap<>();
    /** {@code service/collection} to the ids of its documents */
    final Map<String, List<String>> documents = new LinkedHashMap<>();

    final List<StoredFile> files = new ArrayList<>();
    /** cursors of document listings, of users, of members and of the activity log */
    final List<String> cursors = new ArrayList<>();
    /** refresh tokens that no longer work: spent or revoked */
    final List<String> deadRefreshTokens = new ArrayList<>();
    /** access tokens to alter (B's) or that were revoked */
    final List<String> accessTokens = new ArrayList<>();
    /** signed file URL tokens: to alter, and ones that expired */
    final List<String> fileUrlTokens = new ArrayList<>();
    /** users the fuzzer may change and delete (never a caller) */
    final List<String> spareUsers = new ArrayList<>();

    String jobId = "";
    String corsOrigin = "";
    String idempotencyKey = "";

    TenantSide(String id, String slug, String name, List<String> services) {
        this.id = id;
        this.slug = slug;
        this.name = name;
        this.services = List.copyOf(services);
    }

    List<String> documents(String service, String collection) {
        return documents.getOrDefault(service + "/" + collection, List.of());
    }

    void addDocument(String service, String collection, String documentId) {
        documents
                .computeIfAbsent(service + "/" + collection, key -> new ArrayList<>())
                .add(documentId);
    }

    Optional<String> anyDocument(String collection) {
        return documents.entrySet().stream()
                .filter(entry -> entry.getKey().endsWith("/" + collection)
                        && !entry.getValue().isEmpty())
                .map(entry -> entry.getValue().getFirst())
                .findFirst();
    }

    Member admin() {
        return members.get("admin");
    }
}
