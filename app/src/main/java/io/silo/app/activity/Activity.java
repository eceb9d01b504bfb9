package io.silo.app.activity;

import io.silo.app.access.Access;
import io.silo.app.admission.TenantGate;
import io.silo.app.identity.Users;
import io.silo.app.session.Principal;
import io.silo.error.ProblemType;
import io.silo.postgres.activity.ActivityEntry;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.jdbc.Cursors;
import io.silo.postgres.placement.Placement;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.TemplateCatalog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An organization's activity log, newest first, for its administrators. Each database keeps the
 * log of its own changes (written in the same transaction), so a page is merged from the newest
 * entries of each of the organization's databases; the cursor keeps the merge position, so pages
 * neither repeat nor skip.
 *
 * <p>Thread-safe.
 */
public final class Activity {
    private final TenantGate gate;
    private final Users users;
    private final TemplateCatalog templates;
    private final TenantConnections connections;
    private final ActivityLog log;

    public Activity(
            TenantGate gate, Users users, TemplateCatalog templates, TenantConnections connections, ActivityLog log) {
        this.gate = gate;
        this.users = users;
        this.templates = templates;
        this.connections = connections;
        this.log = log;
    }

    /** A page of entries and the cursor of the next one. */
    public record Page(List<ActivityEntry> items, Optional<String> nextCursor) {}

    /**
     * The entries of {@code service}'s database, or of all the organization's databases, after
     * {@code cursor}.
     */
    public Page list(Principal member, Optional<String> service, Optional<String> cursor, int limit) {
        Principal.Member admin = Access.requireOrgAdmin(member);
        Placement placement = gate.admit(admin);
        users.requireCurrentAdmin(admin);
        Optional<Position> after = cursor.filter(text -> !text.isBlank()).map(Position::decode);
        service.ifPresent(templates::require);
        List<String> services = service.map(List::of)
                .orElseGet(() -> List.copyOf(placement.databases().keySet()));
        List<Position> merged = new ArrayList<>();
        for (String each : services) {
            if (placement.database(each).isEmpty()) {
                throw ProblemType.SERVICE_NOT_ENABLED
                        .exception("organization " + placement.slug() + " does not use '" + each + "'")
                        .with("service", each);
            }
            List<ActivityEntry> entries = connections.inTransaction(
                    admin.tenantId(),
                    each,
                    handle -> log.page(
                            handle, after.map(Position::at), after.map(position -> position.idBefore(each)), limit));
            entries.forEach(entry -> merged.add(
                    new Position(entry.at().orElseThrow(), each, entry.id().orElseThrow(), entry)));
        }
        merged.sort(Comparator.comparing(Position::at)
                .thenComparing(Position::service)
                .thenComparing(Position::id)
                .reversed());
        List<Position> page = merged.subList(0, Math.min(limit, merged.size()));
        return new Page(
                page.stream().map(Position::entry).toList(),
                merged.size() > limit ? Optional.of(page.getLast().encode()) : Optional.empty());
    }

    /** A place in the merged log: entries sort by time, then service, then id; all descending. */
    private record Position(Instant at, String service, long id, ActivityEntry entry) {
        /** In {@code other}'s log, the ids to skip at this very instant: all for services sorting after ours. */
        long idBefore(String other) {
            int order = other.compareTo(service);
            return order == 0 ? id : order < 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }

        String encode() {
            return Cursors.encode(at, service, id);
        }

        static Position decode(String text) {
            return Cursors.decode(
                    text, 3, parts -> new Position(Instant.parse(parts[0]), parts[1], Long.parseLong(parts[2]), null));
        }
    }
}
