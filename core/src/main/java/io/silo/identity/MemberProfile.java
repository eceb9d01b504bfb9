package io.silo.identity;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What every member of an organization who may list its members sees of another: an active user's
 * public profile. Deliberately nothing else (no email, profile, status or sign-in details): those are
 * for the organization's administrators, as a {@link User}.
 *
 * @param name the display name, as the user record has it (may be empty)
 * @param username the school-style login name, when the user has one
 * @param roles the user's role in each service, e.g. {@code school -> teacher}, {@code core -> member}
 */
public record MemberProfile(UUID id, String name, Optional<String> username, Map<String, String> roles) {

    public MemberProfile {
        roles = Map.copyOf(roles);
    }
}
