-- A cluster's capacity and connection budget changed at run time (PATCH /api/admin/clusters/{id}):
-- like its labels, kept over the configuration file's values at the next start once set here.
-- A new budget is announced on silo_clusters, with the cluster's id, as a new password is: every
-- instance reads the cluster again and its pools' shared budget takes the new size.
alter table clusters add column limits_set_at_run_time boolean not null default false;

create trigger clusters_budget after update of connection_budget on clusters
    for each row when (old.connection_budget is distinct from new.connection_budget)
    execute function notify_cluster_credentials();
