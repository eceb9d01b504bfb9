-- Clusters managed at run time (issue 18). The configuration file seeds clusters; a platform
-- administrator may relabel one through the API or `silo clusters set`. Once that happened the
-- database's labels win over the file's at the next start, so a restart does not quietly undo it.
alter table clusters add column labels_set_at_run_time boolean not null default false;
