package io.silo.app.demo;

import io.silo.app.document.DataScope;
import io.silo.app.document.Documents;
import io.silo.app.document.Write;
import io.silo.app.session.Principal;
import io.silo.audit.AuditEntry;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.collection.query.MetaField;
import io.silo.tenant.Tenant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The document writes of one demo organization's load, each converging: a document gets its stable
 * id ({@link DemoIds}) before it is written, and a write refused only because a document with its id
 * is there is one an interrupted load made before: counted as found, not written again. A write that
 * belongs with others (a sale and its stock movements) goes in one batch, so a kill leaves all of it
 * or none.
 *
 * <p>Not thread-safe: one per organization being loaded.
 */
final class DemoWrites {
    private static final List<String> ID_ONLY = List.of(MetaField.ID.text());

    private final Documents documents;
    private final AuditEntry.Actor actor;
    private final Tenant tenant;
    private final DemoLoader.Progress progress;
    private int ids;
    private int written;
    private int found;

    DemoWrites(Documents documents, AuditEntry.Actor actor, Tenant tenant, DemoLoader.Progress progress) {
        this.documents = documents;
        this.actor = actor;
        this.tenant = tenant;
        this.progress = progress;
    }

    /** The id of the next document of the load, in the order the load goes; the same on every run. */
    UUID nextId() {
        return DemoIds.of(tenant, ids++);
    }

    /** {@code body} with the next id set as its {@code _id}. */
    ObjectNode withNextId(JsonNode body) {
        return ((ObjectNode) body).put(MetaField.ID.text(), nextId().toString());
    }

    /** Inserts {@code body}, which carries its {@code _id}, as {@code writer}; nothing if it is there. */
    void insert(Principal.Member writer, String service, String collection, ObjectNode body) {
        batch(writer, service, List.of(new Write.Insert(collection, body)));
    }

    /**
     * Changes document {@code id} by the merge patch {@code body} as {@code writer}; nothing if it
     * already holds every field of the patch (an interrupted load got that far). A patch is not part
     * of the load's ids: a document changed is one written before.
     */
    void patch(Principal.Member writer, String service, String collection, UUID id, ObjectNode body) {
        DataScope scope = documents.scope(writer, service);
        JsonNode now = documents.get(scope, collection, id).body();
        boolean applied =
                body.properties().stream().allMatch(field -> field.getValue().equals(now.get(field.getKey())));
        if (applied) {
            found++;
            return;
        }
        documents.write(scope, new Write.Patch(collection, id, body, OptionalLong.empty(), Optional.empty()), actor);
        written++;
        progress.wrote(tenant.slug(), service + "." + collection);
    }

    /** Writes {@code writes} in one transaction as {@code writer}; nothing if their inserts are there. */
    void batch(Principal.Member writer, String service, List<Write> writes) {
        try {
            if (writes.size() == 1) {
                documents.write(documents.scope(writer, service), writes.getFirst(), actor);
            } else {
                documents.batch(documents.scope(writer, service), writes, actor);
            }
        } catch (SiloException e) {
            if (!writtenBefore(e)) {
                throw e;
            }
            found++;
            return;
        }
        written++;
        progress.wrote(tenant.slug(), service + "." + writes.getFirst().collection());
    }

    /**
     * Refused because a document with the write's own id exists: only the demo's own earlier run
     * gives a document that id, and a batch commits all its inserts or none.
     */
    private static boolean writtenBefore(SiloException e) {
        return e.problem() == ProblemType.DUPLICATE_KEY
                && ID_ONLY.equals(e.extensions().get("fields"));
    }

    /** The writes (single ones and batches) this load made. */
    int written() {
        return written;
    }

    /** The writes an earlier, interrupted load had made, found and left as they were. */
    int found() {
        return found;
    }
}
