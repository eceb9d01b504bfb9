package io.silo.postgres.collection;

import io.silo.error.ProblemType;
import io.silo.json.Json;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.template.CollectionSpec;
import io.silo.template.FieldPath;
import io.silo.template.SequenceFormat;
import io.silo.template.SequenceSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The sequence fields of a document being inserted ({@link SequenceSpec}): an absent one gets the
 * next value of its counter, a present one in the sequence's format moves its counter past it. The
 * counters are rows of {@code silo_sequences}, one per (collection, field, scope), advanced with
 * {@code INSERT … ON CONFLICT DO UPDATE … RETURNING} in the inserting transaction: the row stays
 * locked until that transaction ends, so committed numbers never repeat, and a rolled-back insert
 * takes its number back with it, so they have no gaps either.
 *
 * <p>Stateless and thread-safe.
 */
final class Sequences {
    /** A scope value is a short key (a branch id), never a document: longer ones are refused. */
    static final int MAX_SCOPE_CHARS = 200;

    private Sequences() {}

    /**
     * Whether inserting {@code body} touches a counter: a sequence field is absent (or {@code null}),
     * or holds a text its format could have written. Such an insert is two statements, to be run in
     * a transaction; any other stays one.
     */
    static boolean touchCounters(CollectionSpec spec, JsonNode body) {
        if (spec.sequences().isEmpty() || !body.isObject()) {
            return false;
        }
        for (SequenceSpec sequence : spec.sequences().values()) {
            JsonNode value = body.get(sequence.field());
            if (value == null
                    || value.isNull()
                    || (value.isString()
                            && sequence.format().read(value.stringValue()).isPresent())) {
                return true;
            }
        }
        return false;
    }

    /** Numbers the absent sequence fields of {@code doc} and moves counters past the numbers it brings. */
    static void number(Handle handle, CollectionSpec spec, ObjectNode doc, Instant now) {
        if (!touchCounters(spec, doc)) {
            return;
        }
        requireTransaction(handle, spec);
        for (SequenceSpec sequence : spec.sequences().values()) {
            JsonNode value = doc.get(sequence.field());
            if (value == null || value.isNull()) {
                int year = now.atZone(sequence.timeZone()).getYear();
                long next = advance(handle, spec.name(), sequence, scope(spec, sequence, doc, year));
                doc.put(sequence.field(), sequence.format().format(next, year));
            } else if (value.isString()) {
                Optional<SequenceFormat.Value> given = sequence.format().read(value.stringValue());
                if (given.isPresent()) {
                    // a yearly counter's format shows the year (the loader checks): the number counts in that year
                    int year = given.get().year().orElse(0);
                    raise(
                            handle,
                            spec.name(),
                            sequence,
                            scope(spec, sequence, doc, year),
                            given.get().number());
                }
            }
        }
    }

    /** The next value of the counter, 1 for a new one; the row stays locked until the transaction ends. */
    private static long advance(Handle handle, String collection, SequenceSpec sequence, String scope) {
        return orOutdated(() -> handle.queryOne(
                        "INSERT INTO silo_sequences AS s (collection, field, scope_key, value) VALUES (?, ?, ?, 1)"
                                + " ON CONFLICT (collection, field, scope_key) DO UPDATE SET value = s.value + 1"
                                + " RETURNING value",
                        row -> row.getLong(1),
                        collection,
                        sequence.field(),
                        scope))
                .orElseThrow(() -> new IllegalStateException("an upsert returns its row"));
    }

    /** Sets the counter to at least {@code number}, so that the next one handed out is past it. */
    private static void raise(Handle handle, String collection, SequenceSpec sequence, String scope, long number) {
        orOutdated(() -> handle.update(
                "INSERT INTO silo_sequences AS s (collection, field, scope_key, value) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (collection, field, scope_key) DO UPDATE SET value = excluded.value"
                        + " WHERE s.value < excluded.value",
                collection,
                sequence.field(),
                scope,
                number));
    }

    /**
     * Which counter of the sequence numbers {@code doc}: {@code ""} for a sequence with one,
     * {@code year=2026} for a yearly one, {@code branchId="b1"} per the value of a field (its JSON
     * text, {@code null} when absent), both joined by {@code &}.
     */
    private static String scope(CollectionSpec spec, SequenceSpec sequence, ObjectNode doc, int year) {
        StringBuilder key = new StringBuilder();
        if (sequence.reset() == SequenceSpec.Reset.YEARLY) {
            key.append("year=").append(year);
        }
        if (sequence.per().isPresent()) {
            FieldPath per = sequence.per().get();
            JsonNode value = at(doc, per);
            String text = value.isMissingNode() ? "null" : Json.write(value);
            if (value.isContainer() || text.length() > MAX_SCOPE_CHARS) {
                throw ProblemType.SCHEMA_VIOLATION
                        .exception("field '" + per + "' of collection '" + spec.name() + "' keeps a counter per"
                                + " value for " + sequence.field() + ", so it must be text, a number or a boolean of"
                                + " at most " + MAX_SCOPE_CHARS + " characters")
                        .with(
                                "errors",
                                List.of(Map.of(
                                        "path",
                                        "/" + String.join("/", per.segments()),
                                        "message",
                                        "a counter's scope: text, a number or a boolean of at most " + MAX_SCOPE_CHARS
                                                + " characters")));
            }
            key.append(key.isEmpty() ? "" : "&").append(per).append('=').append(text);
        }
        return key.toString();
    }

    private static JsonNode at(ObjectNode doc, FieldPath path) {
        JsonNode at = doc;
        for (String segment : path.segments()) {
            at = at.path(segment);
        }
        return at;
    }

    /** In auto-commit the counter would commit on its own, and a failing insert would leave a gap. */
    private static void requireTransaction(Handle handle, CollectionSpec spec) {
        if (!handle.inTransaction()) {
            throw new IllegalStateException("an insert into collection " + spec.name()
                    + ", which has sequences, runs in a transaction (DocumentStore.insertsInOneStatement)");
        }
    }

    /** A database made before sequences has no table for their counters: said so, never a 500. */
    private static <T> T orOutdated(Supplier<T> work) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            if (e.isMissingTable()) {
                throw ProblemType.DATABASE_OUTDATED
                        .exception(
                                "this organization's database was made before numbered fields: it has no"
                                        + " silo_sequences table until an operator brings it forward; send the"
                                        + " number yourself meanwhile",
                                e)
                        .with("table", "silo_sequences");
            }
            throw e;
        }
    }
}
