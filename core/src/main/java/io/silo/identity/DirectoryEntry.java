package io.silo.identity;

import java.util.UUID;

/**
 * One sign-in name in the control plane's directory: which tenant and user it belongs to.
 *
 * @param kind {@code email} or {@code username}
 */
public record DirectoryEntry(UUID tenantId, String kind, String login, UUID userId, String status) {}
