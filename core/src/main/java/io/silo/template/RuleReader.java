package io.silo.template;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads the {@code rules} of a role: per collection, the limits of {@link CollectionRule}. */
final class RuleReader {
    private RuleReader() {}

    static Map<String, CollectionRule> read(Node rules, RoleSpec role, Set<String> collections) {
        Map<String, CollectionRule> out = new LinkedHashMap<>();
        for (var entry : rules.entries().entrySet()) {
            String collection = entry.getKey();
            Node node = entry.getValue();
            if (!collections.contains(collection)) {
                // a misspelt collection would otherwise leave the role without the rule, silently
                node.problem("'" + collection + "' is not a collection of this service; use one of "
                        + String.join(", ", collections));
                continue;
            }
            if (!role.mayRead(collection)) {
                node.problem("role '" + role.name() + "' may not read collection '" + collection
                        + "', so a rule on it means nothing; name it under read or write first");
                continue;
            }
            if (!node.json().isObject()) {
                node.problem(node.shown() + " is not a mapping of readableBy, writableBy, readOnly, hidden, writes");
                continue;
            }
            node.allowOnly("readableBy", "writableBy", "readOnly", "hidden", "writes");
            boolean writer = role.mayWrite(collection);
            for (String key : List.of("writableBy", "readOnly", "writes")) {
                if (!writer && !node.get(key).isMissing()) {
                    node.get(key)
                            .problem("role '" + role.name() + "' may not write collection '" + collection + "'; " + key
                                    + " limits writes");
                }
            }
            out.put(
                    collection,
                    new CollectionRule(
                            fields(node.get("readableBy")).stream().toList(),
                            fields(node.get("writableBy")).stream().toList(),
                            fields(node.get("readOnly")),
                            fields(node.get("hidden")),
                            writes(node.get("writes"))));
        }
        return out;
    }

    private static Set<String> fields(Node list) {
        Set<String> out = new LinkedHashSet<>();
        for (Node item : list.items()) {
            CollectionReader.topLevelField(item).ifPresent(out::add);
        }
        return out;
    }

    private static Set<CollectionRule.Write> writes(Node list) {
        if (list.isMissing()) {
            return EnumSet.allOf(CollectionRule.Write.class);
        }
        List<CollectionRule.Write> out = new ArrayList<>();
        for (Node item : list.items()) {
            item.string().ifPresent(text -> {
                try {
                    out.add(CollectionRule.Write.valueOf(text.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    item.problem("'" + text + "' is not a kind of write: use insert, update, delete or files");
                }
            });
        }
        return out.isEmpty() ? Set.of() : EnumSet.copyOf(out);
    }
}
