package io.silo.template;

import java.util.Map;
import java.util.Set;

/**
 * What a role may do in a service: the collections it may read and write ({@code *} means all),
 * and, per collection, the rule that limits it further.
 *
 * @param name the role name, e.g. {@code manager}
 * @param description one line for people
 * @param read collections it may read
 * @param write collections it may insert into, change and delete from
 * @param rules collection name to the limits of this role on it; a collection without one has none
 * @param listMembers whether the role may list the organization's members, their public profile only
 *                    (id, name, username, roles; {@code GET /api/members}): a member may when any of
 *                    their roles may, and an organization's administrator always may
 */
public record RoleSpec(
        String name,
        String description,
        Set<String> read,
        Set<String> write,
        Map<String, CollectionRule> rules,
        boolean listMembers,
        Set<String> manages) {
    public static final String ALL = "*";

    public RoleSpec {
        read = Set.copyOf(read);
        write = Set.copyOf(write);
        rules = Map.copyOf(rules);
        manages = Set.copyOf(manages);
    }

    /** A role without rules, that may not list members nor manage anyone. */
    public RoleSpec(String name, String description, Set<String> read, Set<String> write) {
        this(name, description, read, write, Map.of(), false, Set.of());
    }

    /** A role that manages no one. */
    public RoleSpec(
            String name,
            String description,
            Set<String> read,
            Set<String> write,
            Map<String, CollectionRule> rules,
            boolean listMembers) {
        this(name, description, read, write, rules, listMembers, Set.of());
    }

    /** The limits of this role on {@code collection}; {@link CollectionRule#NONE} when it has none. */
    public CollectionRule rule(String collection) {
        return rules.getOrDefault(collection, CollectionRule.NONE);
    }

    public boolean mayRead(String collection) {
        return read.contains(ALL) || read.contains(collection) || mayWrite(collection);
    }

    public boolean mayWrite(String collection) {
        return write.contains(ALL) || write.contains(collection);
    }
}
