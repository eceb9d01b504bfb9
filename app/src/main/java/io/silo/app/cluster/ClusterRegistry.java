package io.silo.app.cluster;

import io.silo.audit.AuditEntry;
import io.silo.cluster.Cluster;
import io.silo.error.ProblemType;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.ClusterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The clusters as a platform administrator manages them at run time, over HTTP ({@code
 * /api/admin/clusters}) and from the command line ({@code silo clusters}): list them, stop or resume
 * placing new organizations on one, relabel one. Changes live in the control database, which
 * placement reads for every new organization, so every instance honours them from their commit;
 * an organization whose cluster was chosen before still goes there. Each change is audited.
 *
 * <p>Thread-safe.
 */
public final class ClusterRegistry {
    private final ClusterStore clusters;
    private final AuditLog audit;

    public ClusterRegistry(ClusterStore clusters, AuditLog audit) {
        this.clusters = clusters;
        this.audit = audit;
    }

    /** Every cluster, the control database's first. */
    public List<Cluster> list() {
        return clusters.list();
    }

    /** Applies {@code change} to the cluster {@code id}; 404 {@code cluster-not-found} when there is none. */
    public Cluster update(String id, ClusterChange change, AuditEntry.Actor actor) {
        Cluster before = require(id);
        Cluster after = clusters.update(id, change.status(), change.labels()).orElseThrow(() -> notFound(id));
        Map<String, Object> details = new LinkedHashMap<>();
        change.acceptingTenants().ifPresent(accepting -> {
            details.put("acceptingTenants", accepting);
            details.put("statusBefore", before.status());
        });
        change.labels().ifPresent(labels -> {
            details.put("labels", labels);
            details.put("labelsBefore", before.labels());
        });
        audit.append(new AuditEntry(actor, "cluster.update", "cluster", id, Optional.empty(), details));
        return after;
    }

    private Cluster require(String id) {
        return clusters.find(id).orElseThrow(() -> notFound(id));
    }

    private static io.silo.error.SiloException notFound(String id) {
        return ProblemType.CLUSTER_NOT_FOUND.exception(
                "no cluster '" + id + "'; see GET /api/admin/clusters or silo clusters list");
    }
}
