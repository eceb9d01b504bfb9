package io.silo.app.cluster;

import io.silo.audit.AuditEntry;
import io.silo.cluster.Cluster;
import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.cluster.ClusterCheck;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.jdbc.JdbcUrls;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The clusters as a platform administrator manages them at run time, over HTTP ({@code
 * /api/admin/clusters}) and from the command line ({@code silo clusters}): list them, stop or resume
 * placing new organizations on one, relabel one, register a new one. Changes live in the control database, which
 * placement reads for every new organization, so every instance honours them from their commit;
 * an organization whose cluster was chosen before still goes there. Each change is audited.
 *
 * <p>Thread-safe.
 */
public final class ClusterRegistry {
    private final ClusterStore clusters;
    private final ClusterAdmins admins;
    private final AuditLog audit;
    private final int defaultBudget;
    private final Set<String> configured;

    /**
     * @param defaultBudget the connection budget of a registered cluster that names none ({@code pools.defaultBudget})
     * @param configured the clusters the configuration names, whose credentials it sets at every start
     */
    public ClusterRegistry(
            ClusterStore clusters, ClusterAdmins admins, AuditLog audit, int defaultBudget, Set<String> configured) {
        this.clusters = clusters;
        this.admins = admins;
        this.audit = audit;
        this.defaultBudget = defaultBudget;
        this.configured = Set.copyOf(configured);
    }

    /** The connection budget of a registered cluster that names none. */
    public int defaultBudget() {
        return defaultBudget;
    }

    /**
     * Registers a cluster after checking that it answers, takes its credentials, runs PostgreSQL 15
     * or newer and may create databases and roles; a cluster that fails is a 422 problem and nothing
     * is stored. Every instance may place on it from the commit: pools and administrative
     * connections look a cluster up by id when they first need it.
     */
    public Cluster register(NewCluster candidate, AuditEntry.Actor actor) {
        if (clusters.find(candidate.id()).isPresent()) {
            throw exists(candidate.id());
        }
        Cluster cluster = candidate.cluster();
        int version = ClusterCheck.check(cluster);
        if (!clusters.insert(cluster)) {
            throw exists(candidate.id());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("url", JdbcUrls.redacted(cluster.url()));
        details.put("user", cluster.user());
        details.put("labels", cluster.labels());
        details.put("capacity", cluster.capacity());
        details.put("connectionBudget", cluster.connectionBudget());
        details.put("acceptingTenants", cluster.acceptsNewTenants());
        details.put("serverVersion", version);
        audit.append(new AuditEntry(actor, "cluster.register", "cluster", cluster.id(), Optional.empty(), details));
        return require(cluster.id());
    }

    /** Every cluster, the control database's first. */
    public List<Cluster> list() {
        return clusters.list();
    }

    /** Applies {@code change} to the cluster {@code id}; 404 {@code cluster-not-found} when there is none. */
    public Cluster update(String id, ClusterChange change, AuditEntry.Actor actor) {
        Cluster before = require(id);
        Cluster after = clusters.update(
                        id, change.status(), change.labels(), change.capacity(), change.connectionBudget())
                .orElseThrow(() -> notFound(id));
        Map<String, Object> details = new LinkedHashMap<>();
        change.acceptingTenants().ifPresent(accepting -> {
            details.put("acceptingTenants", accepting);
            details.put("statusBefore", before.status());
        });
        change.labels().ifPresent(labels -> {
            details.put("labels", labels);
            details.put("labelsBefore", before.labels());
        });
        change.capacity().ifPresent(capacity -> {
            details.put("capacity", capacity);
            details.put("capacityBefore", before.capacity());
        });
        change.connectionBudget().ifPresent(budget -> {
            details.put("connectionBudget", budget);
            details.put("connectionBudgetBefore", before.connectionBudget());
        });
        audit.append(new AuditEntry(actor, "cluster.update", "cluster", id, Optional.empty(), details));
        return after;
    }

    /** Whether the configuration names the cluster (its credentials are the file's, set at every start). */
    public boolean configured(String id) {
        return configured.contains(id);
    }

    /**
     * Gives a cluster registered at run time a new administrative password: staged (sealed) in the
     * control database, set on the server's role, then made the cluster's, which every instance takes
     * up for its next administrative connection. Run again after an interruption, it finishes with
     * the password it staged. 409 {@code cluster-configured} for a cluster of the configuration,
     * whose credentials it sets at every start.
     */
    public Cluster rotatePassword(String id, AuditEntry.Actor actor) {
        require(id);
        if (configured.contains(id)) {
            throw ProblemType.CLUSTER_CONFIGURED.exception(
                    "cluster '" + id + "' comes from the configuration, which "
                            + "sets its credentials at every start: change its password on the server and in the configuration");
        }
        clusters.stagePassword(id, Secrets.password()).orElseThrow(() -> notFound(id));
        admins.finishRotation(id);
        audit.append(new AuditEntry(actor, "cluster.rotate-password", "cluster", id, Optional.empty(), Map.of()));
        return require(id);
    }

    /**
     * Removes a cluster that holds nothing of a tenant: 409 {@code cluster-in-use} when it holds the
     * control database, is the only cluster, or keeps tenant databases (placed there, old copies of
     * organizations that moved away in their grace, a move under way to it), naming how many; 404
     * {@code cluster-not-found}. Every instance forgets its settings and closes its administrative
     * connections to it (NOTIFY {@code silo_clusters}); Silo's template databases on it stay, as do
     * databases that are not Silo's.
     */
    public void remove(String id, AuditEntry.Actor actor) {
        Cluster cluster = require(id);
        if (cluster.control()) {
            throw inUse(id, "holds the control database", 0);
        }
        if (clusters.list().size() == 1) {
            throw inUse(id, "is the only cluster", 0);
        }
        long databases = clusters.databasesOn(id);
        if (databases > 0) {
            throw inUse(
                    id,
                    "keeps " + databases + " tenant databases; move its organizations off first (silo drain)",
                    databases);
        }
        if (!clusters.remove(id)) {
            throw inUse(id, "took a tenant database meanwhile", clusters.databasesOn(id));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("url", JdbcUrls.redacted(cluster.url()));
        details.put("labels", cluster.labels());
        audit.append(new AuditEntry(actor, "cluster.remove", "cluster", id, Optional.empty(), details));
    }

    private static io.silo.error.SiloException inUse(String id, String why, long databases) {
        return ProblemType.CLUSTER_IN_USE
                .exception("cluster " + id + " cannot be removed: it " + why)
                .with("databases", databases);
    }

    private Cluster require(String id) {
        return clusters.find(id).orElseThrow(() -> notFound(id));
    }

    private static io.silo.error.SiloException exists(String id) {
        return ProblemType.CLUSTER_EXISTS
                .exception("a cluster '" + id + "' is registered already")
                .with("field", "id");
    }

    private static io.silo.error.SiloException notFound(String id) {
        return ProblemType.CLUSTER_NOT_FOUND.exception(
                "no cluster '" + id + "'; see GET /api/admin/clusters or silo clusters list");
    }
}
