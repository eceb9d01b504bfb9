package io.silo.postgres.collection;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.collection.query.DocumentField;
import io.silo.postgres.collection.query.Filter;
import io.silo.template.CollectionRule;
import io.silo.template.FieldPath;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * A {@link CollectionRule} applied to one caller: the documents they reach, as SQL conditions the
 * store adds to every statement (with the caller's id bound as a parameter), and as checks of the
 * document a write leaves behind.
 *
 * <p>An owner field names the caller when it is their id, or an array holding it. The SQL form
 * tests equality first, which the field's expression index serves, then array containment.
 *
 * <p>Immutable and thread-safe.
 *
 * @param rule the role's limits on the collection
 * @param caller the caller's user id, as documents hold it
 * @param users the caller's organization's users, which references to users must name
 */
public record DocumentRules(CollectionRule rule, String caller, KnownUsers users) {
    /** No limit: for the platform's own writes and for roles without a rule. */
    public static final DocumentRules NONE = new DocumentRules(CollectionRule.NONE, "", KnownUsers.ANY);

    public DocumentRules {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(users, "users");
    }

    /** {@code rule} for the user {@code caller}, of an organization with these {@code users}. */
    public static DocumentRules of(CollectionRule rule, UUID caller, KnownUsers users) {
        return new DocumentRules(rule, caller.toString(), users);
    }

    /** The documents the caller may read. */
    Filter readable() {
        return owned(rule.readableBy());
    }

    /** The documents the caller may change or delete: those they may read and may write. */
    Filter writable() {
        return and(readable(), owned(rule.writableBy()));
    }

    /** {@code filter}, limited to the documents the caller may read. */
    Filter readable(Filter filter) {
        return and(readable(), filter);
    }

    /**
     * The body of an insert with every owner field the caller must fill but left absent set to
     * their id, so that a client need not name itself; a field that names someone else stays, for
     * {@link #checkWritten} to refuse.
     */
    ObjectNode filled(ObjectNode doc) {
        if (!rule.limitsDocuments()) {
            return doc;
        }
        ObjectNode out = doc;
        for (List<String> owners : List.of(rule.readableBy(), rule.writableBy())) {
            if (!owners.isEmpty() && !names(doc, owners) && owners.stream().noneMatch(doc::has)) {
                out = out == doc ? doc.deepCopy() : out;
                out.put(owners.getFirst(), caller);
            }
        }
        return out;
    }

    /**
     * Refuses a write that would leave the document out of the caller's reach, or that sets a
     * read-only field: {@code before} is the document as it was (empty for an insert).
     */
    void checkWritten(String collection, Optional<ObjectNode> before, ObjectNode after) {
        for (String field : unsettable()) {
            JsonNode old = before.map(doc -> doc.get(field)).orElse(null);
            if (!Objects.equals(old, after.get(field))) {
                throw ProblemType.FIELD_READ_ONLY
                        .exception("your role may not set '" + field + "' in collection '" + collection + "'")
                        .with("field", field);
            }
        }
        if (!names(after, rule.readableBy()) || !names(after, rule.writableBy())) {
            throw ProblemType.DOCUMENT_FORBIDDEN
                    .exception("the document would be out of your reach in collection '" + collection + "': "
                            + ownersText() + " must name you")
                    .with("fields", ownersList());
        }
    }

    /**
     * Refuses a change whose body names a field hidden from the caller, whatever the value and
     * before the document is read: comparing would answer differently for the value the field holds
     * (and an operator would tell its type), which would let a caller read it a guess at a time.
     * A replace or merge patch names its top-level members, an update by operators the first segment
     * of each path.
     */
    void checkNoHiddenNamed(String collection, JsonNode body) {
        if (rule.hidden().isEmpty()) {
            return;
        }
        for (String name : body.propertyNames()) {
            if (name.startsWith("$") && body.get(name).isObject()) {
                for (String path : body.get(name).propertyNames()) {
                    checkNotHidden(collection, path.split("\\.", 2)[0]);
                }
            } else {
                checkNotHidden(collection, name);
            }
        }
    }

    private void checkNotHidden(String collection, String field) {
        if (rule.hidden().contains(field)) {
            throw ProblemType.FIELD_READ_ONLY
                    .exception("your role may not set '" + field + "' in collection '" + collection + "'")
                    .with("field", field);
        }
    }

    /** The fields the caller may not set: the read-only ones, and those they cannot see. */
    private Set<String> unsettable() {
        if (rule.hidden().isEmpty()) {
            return rule.readOnly();
        }
        Set<String> out = new HashSet<>(rule.readOnly());
        out.addAll(rule.hidden());
        return out;
    }

    /** The answer when a document the caller may read is not one they may write. */
    SiloException notWritable(String collection, UUID id) {
        return ProblemType.DOCUMENT_FORBIDDEN
                .exception("your role may read document " + id + " of collection '" + collection
                        + "' but not change it: " + ownersText() + " must name you")
                .with("fields", ownersList());
    }

    /** Whether one of {@code owners} names the caller; true when there are none. */
    private boolean names(ObjectNode doc, List<String> owners) {
        if (owners.isEmpty()) {
            return true;
        }
        for (String owner : owners) {
            JsonNode value = doc.get(owner);
            if (value != null
                    && ((value.isString() && value.stringValue().equals(caller))
                            || (value.isArray()
                                    && value.valueStream()
                                            .anyMatch(item -> item.isString()
                                                    && item.stringValue().equals(caller))))) {
                return true;
            }
        }
        return false;
    }

    private Filter owned(List<String> owners) {
        if (owners.isEmpty()) {
            return Filter.all();
        }
        StringNode id = StringNode.valueOf(caller);
        List<Filter> terms = new ArrayList<>();
        for (String owner : owners) {
            DocumentField field = new DocumentField.Path(new FieldPath(List.of(owner)));
            terms.add(new Filter.Comparison(field, Filter.Operator.EQ, id));
            terms.add(new Filter.Contains(field, id));
        }
        return new Filter.Or(terms);
    }

    private static Filter and(Filter first, Filter second) {
        if (first == Filter.all()) {
            return second;
        }
        return second == Filter.all() ? first : new Filter.And(List.of(first, second));
    }

    private String ownersText() {
        return String.join(" or ", ownersList());
    }

    private List<String> ownersList() {
        List<String> out = new ArrayList<>(rule.readableBy());
        rule.writableBy().stream().filter(field -> !out.contains(field)).forEach(out::add);
        return out;
    }
}
