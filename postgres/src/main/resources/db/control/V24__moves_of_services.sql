-- Clusters per service (issue 18): an organization's services may live on different clusters, and a
-- move may carry only some of them. NULL: every database of the organization that is not on the
-- target (a move as before); else the services the move carries.
alter table tenant_moves add column services text[];
