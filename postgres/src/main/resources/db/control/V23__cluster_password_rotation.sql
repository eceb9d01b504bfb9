-- Rotating a run-time cluster's administrative password (POST /api/admin/clusters/{id}/rotate-password):
-- the new password is staged here, sealed with the master key, before the server's role gets it, so a
-- rotation interrupted in between finishes with it; a change of the password tells every instance
-- (channel silo_clusters, the cluster's id), whose administrative connections take it up.
alter table clusters add column admin_password_next text;

create function notify_cluster_credentials() returns trigger language plpgsql as $$
begin
    perform pg_notify('silo_clusters', new.id);
    return null;
end $$;

create trigger clusters_credentials after update of admin_password on clusters
    for each row when (old.admin_password is distinct from new.admin_password)
    execute function notify_cluster_credentials();
