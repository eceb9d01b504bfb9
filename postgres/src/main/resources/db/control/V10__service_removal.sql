-- A service removed from an organization keeps its database, detached, until detached_until: it is
-- no longer routed to (the placement leaves it out), and can be restored with its data until then;
-- after that a job drops it (io.silo.app.organization.OrganizationServices).
alter table tenant_databases drop constraint tenant_databases_state_check;
alter table tenant_databases add constraint tenant_databases_state_check
    check (state in ('pending', 'creating', 'ready', 'write-fenced', 'failed', 'dropping', 'detached'));
alter table tenant_databases add column detached_until timestamptz;
alter table tenant_databases add constraint tenant_databases_detached_until
    check ((state = 'detached') = (detached_until is not null) or state = 'dropping');
