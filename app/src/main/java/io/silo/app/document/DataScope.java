package io.silo.app.document;

import io.silo.app.access.Access;
import io.silo.app.session.Principal;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.collection.DocumentRules;
import io.silo.postgres.collection.KnownUsers;
import io.silo.postgres.placement.Placement;
import io.silo.postgres.placement.ServiceDatabase;
import io.silo.template.CollectionRule;
import io.silo.template.CollectionSpec;
import io.silo.template.RoleSpec;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.Admission;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Features;
import io.silo.tenant.Quotas;
import java.util.Optional;

/**
 * What one data request may touch: the caller, their organization, the service, its template,
 * and the caller's role in it. Built once per request, after every check has passed.
 *
 * <p>The template is the one at the version of the organization's database
 * ({@link TemplateCatalog#at}): while a rollout is half-way, a database not yet migrated is
 * validated and authorised under its own version's schemas, roles and rules, a migrated one under
 * the newest. A database at an earlier version whose file was not kept is served under the newest,
 * as is one at a newer version than this instance knows (whose writes {@link #checkWritesAccepted}
 * refuses).
 *
 * @param role the caller's role in {@code template}'s service
 * @param users the organization's users, which references to users must name
 */
public record DataScope(
        Principal.Member member, Placement placement, ServiceTemplate template, RoleSpec role, KnownUsers users) {

    /** Checks that the member may use {@code service} of their own organization; names are checked against the templates. */
    static DataScope of(
            Principal.Member member, Placement placement, TemplateCatalog templates, String service, KnownUsers users) {
        ServiceTemplate newest = templates
                .find(service)
                .orElseThrow(() -> ProblemType.UNKNOWN_SERVICE.exception("no service '" + abbreviate(service) + "'"));
        Optional<DatabaseState> database = placement.database(service).map(ServiceDatabase::state);
        if (database.isEmpty()) {
            Admission.check(Admission.database(database, placement.slug(), service, Admission.Route.READ));
        }
        ServiceTemplate template = placement
                .database(service)
                .flatMap(found -> templates.at(service, found.schemaVersion()))
                .orElse(newest);
        RoleSpec role = Access.requireRole(member, template);
        // after the caller's right to the service: a database's state is for those who may use it
        Admission.check(Admission.database(database, placement.slug(), service, Admission.Route.READ));
        if (placement.features().isOff(service)) {
            throw switchedOff(service, Optional.empty());
        }
        return new DataScope(member, placement, template, role, users);
    }

    /**
     * The collection, which the caller's role may read; else a 4xx. {@link Documents} checks it on
     * every read; a client may check first, before it parses the rest of a request.
     */
    public CollectionSpec readable(String collection) {
        CollectionSpec spec = collection(collection);
        Access.checkRead(role, service(), collection);
        checkSwitchedOn(collection);
        return spec.hiding(role.rule(collection).hidden());
    }

    /** The documents of {@code collection} the caller reaches, and the fields they may not set. */
    DocumentRules rules(String collection) {
        return DocumentRules.of(role.rule(collection), member.id(), users);
    }

    private static String what(CollectionRule.Write kind) {
        return switch (kind) {
            case INSERT -> "insert documents";
            case UPDATE -> "change documents";
            case DELETE -> "delete documents";
            case FILES -> "store or delete the files of documents";
        };
    }

    /**
     * Checks that the service's database takes writes now: not while it is fenced for a migration or
     * a move, nor from this instance when a newer release has brought it beyond the template
     * version this instance knows.
     */
    void checkWritesAccepted() {
        Optional<ServiceDatabase> database = placement.database(service());
        Admission.check(Admission.database(
                database.map(ServiceDatabase::state), placement.slug(), service(), Admission.Route.WRITE));
        database.ifPresent(found -> Admission.check(Admission.version(
                found.schemaVersion(), template.version(), placement.slug(), service(), Admission.Route.WRITE)));
    }

    /** The collection, which the caller's role may write; else a 4xx. Checked as {@link #readable} is. */
    public CollectionSpec writable(String collection) {
        CollectionSpec spec = collection(collection);
        Access.checkWrite(role, service(), collection);
        checkSwitchedOn(collection);
        return spec.hiding(role.rule(collection).hidden());
    }

    /**
     * The collection, which the caller's role may write with this kind of write; else a 4xx. A rule
     * may limit a role to some kinds: a cashier changes a product's stock but neither adds nor
     * removes products.
     */
    CollectionSpec writable(String collection, CollectionRule.Write kind) {
        CollectionSpec spec = writable(collection);
        if (!role.rule(collection).allows(kind)) {
            throw ProblemType.COLLECTION_FORBIDDEN
                    .exception("the role '" + role.name() + "' in " + service() + " may not " + what(kind)
                            + " of the collection '" + collection + "'")
                    .with("service", service())
                    .with("collection", collection);
        }
        return spec;
    }

    String service() {
        return template.service();
    }

    /**
     * The most documents {@code collection} may hold, when the organization's quotas limit it: read
     * from the placement the request already has, so a write asks the control database nothing.
     */
    Optional<Quotas.DocumentLimit> documentLimit(String collection) {
        return placement.quotas().documentLimit(service(), collection);
    }

    /** After the caller's right to the collection: whether it is switched off is for those who may use it. */
    private void checkSwitchedOn(String collection) {
        if (placement.features().isOff(service(), collection)) {
            throw switchedOff(service(), Optional.of(collection));
        }
    }

    private static SiloException switchedOff(String service, Optional<String> collection) {
        String what = collection.map(name -> service + "." + name).orElse(service);
        SiloException refused = ProblemType.FEATURE_DISABLED
                .exception("the organization has switched " + what + " off (feature " + Features.OFF + what + ")")
                .with("feature", Features.OFF + what)
                .with("service", service);
        return collection.map(name -> refused.with("collection", name)).orElse(refused);
    }

    private CollectionSpec collection(String name) {
        return template.collection(name)
                .orElseThrow(() -> ProblemType.UNKNOWN_COLLECTION
                        .exception("service " + service() + " has no collection '" + abbreviate(name) + "'")
                        .with("collection", abbreviate(name)));
    }

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
