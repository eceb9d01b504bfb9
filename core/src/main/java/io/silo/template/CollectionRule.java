package io.silo.template;

import java.util.List;
import java.util.Set;

/**
 * What limits a role's use of one collection beyond reading and writing it: which documents it
 * reaches, which fields it may not set or see, and which kinds of write it may make.
 *
 * <p>A document is within reach of a rule's owner fields when one of them holds the caller's user
 * id, as a string or inside an array; an empty list reaches every document. A write reaches only
 * documents the role may read, and must leave the document within reach of both lists.
 *
 * @param readableBy top-level fields, one of which must name the caller for the role to read a document
 * @param writableBy the same for changing or deleting a document, and for the document a write leaves
 * @param readOnly top-level fields the role may not set: absent on insert, unchanged by a change
 * @param hidden top-level fields the role never sees, nor filters, sorts, groups or selects on, nor sets
 * @param writes the kinds of write the role may make ({@link Write}); all four unless limited
 */
public record CollectionRule(
        List<String> readableBy, List<String> writableBy, Set<String> readOnly, Set<String> hidden, Set<Write> writes) {

    /** The kinds of write a rule may allow: of a document's body, or of the files it carries. */
    public enum Write {
        INSERT,
        UPDATE,
        DELETE,
        FILES
    }

    /** No limit at all: what a role without a rule for a collection gets. */
    public static final CollectionRule NONE =
            new CollectionRule(List.of(), List.of(), Set.of(), Set.of(), Set.of(Write.values()));

    public CollectionRule {
        readableBy = List.copyOf(readableBy);
        writableBy = List.copyOf(writableBy);
        readOnly = Set.copyOf(readOnly);
        hidden = Set.copyOf(hidden);
        writes = Set.copyOf(writes);
    }

    /** Whether the rule limits the documents the role reaches at all. */
    public boolean limitsDocuments() {
        return !readableBy.isEmpty() || !writableBy.isEmpty();
    }

    /** Whether the role may make writes of this kind. */
    public boolean allows(Write write) {
        return writes.contains(write);
    }
}
