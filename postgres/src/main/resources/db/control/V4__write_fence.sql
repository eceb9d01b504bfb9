-- A database may refuse writes for a moment (a migration step, a move) while reads go on:
-- io.silo.tenant.Admission answers writes to it with 503 and Retry-After.
alter table tenant_databases drop constraint tenant_databases_state_check;
alter table tenant_databases add constraint tenant_databases_state_check
    check (state in ('pending', 'creating', 'ready', 'write-fenced', 'failed', 'dropping'));
