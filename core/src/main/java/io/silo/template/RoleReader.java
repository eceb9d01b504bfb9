package io.silo.template;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the {@code roles} of a template file. */
final class RoleReader {
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,30}");

    private RoleReader() {}

    static Map<String, RoleSpec> read(Node roles, Set<String> collections) {
        Map<String, RoleSpec> out = new LinkedHashMap<>();
        Map<String, Node> entries = roles.entries();
        if (entries.isEmpty() && (roles.isMissing() || roles.json().isObject())) {
            roles.problem("a service needs at least one role");
        }
        for (var entry : entries.entrySet()) {
            String name = entry.getKey();
            Node node = entry.getValue();
            if (!NAME.matcher(name).matches()) {
                node.problem(
                        "'" + name + "' is not a role name: use a-z, 0-9 and _, starting with a letter, at most 31");
            }
            if (!node.json().isObject()) {
                node.problem(
                        node.shown() + " is not a mapping of description, read, write, rules, listMembers, manages");
                continue;
            }
            node.allowOnly("description", "read", "write", "rules", "listMembers", "manages");
            RoleSpec role = new RoleSpec(
                    name,
                    node.get("description").string().orElse(""),
                    collections(node.get("read"), collections),
                    collections(node.get("write"), collections));
            out.put(
                    name,
                    new RoleSpec(
                            name,
                            role.description(),
                            role.read(),
                            role.write(),
                            RuleReader.read(node.get("rules"), role, collections),
                            node.get("listMembers").bool(false),
                            manages(node.get("manages"), name, entries.keySet())));
        }
        return out;
    }

    /**
     * The roles of this service that a member with role {@code self} may give, change and take back
     * ({@code /api/users}): other roles of the service, never itself (a manager makes no managers).
     */
    private static Set<String> manages(Node list, String self, Set<String> roles) {
        Set<String> out = new LinkedHashSet<>();
        for (Node item : list.items()) {
            item.string().ifPresent(role -> {
                if (role.equals(self)) {
                    item.problem("a role cannot manage itself: '" + role + "'");
                } else if (!roles.contains(role)) {
                    item.problem(
                            "'" + role + "' is not a role of this service; use one of " + String.join(", ", roles));
                } else {
                    out.add(role);
                }
            });
        }
        return out;
    }

    private static Set<String> collections(Node list, Set<String> known) {
        Set<String> out = new LinkedHashSet<>();
        for (Node item : list.items()) {
            item.string().ifPresent(name -> {
                if (name.equals(RoleSpec.ALL) || known.contains(name)) {
                    out.add(name);
                } else {
                    item.problem("'" + name + "' is not a collection of this service; use one of "
                            + String.join(", ", known) + " or " + RoleSpec.ALL);
                }
            });
        }
        return out;
    }
}
