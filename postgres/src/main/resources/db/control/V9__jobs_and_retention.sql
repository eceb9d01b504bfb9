-- Jobs you can watch and stop (issue 16).
-- A job may be cancelled: a pending one never starts, a running one stops at its next step boundary
-- (or sooner, when its handler looks at cancel_requested).
alter table jobs drop constraint jobs_state_check;
alter table jobs add constraint jobs_state_check
    check (state in ('pending', 'running', 'succeeded', 'failed', 'cancelled'));
alter table jobs add column cancel_requested boolean not null default false;
-- Progress inside the current step, as its handler reports it: {done, failed, total, at, firstAt,
-- firstProcessed}; cleared when the step ends. Rate and ETA are derived when it is read.
alter table jobs add column progress jsonb;

-- The admin listing pages newest first by (created_at, id).
create index jobs_created on jobs (created_at desc, id desc);

-- Named leases with an expiry: 'tenant:<id>' while a job's step changes that tenant (no two jobs
-- change one tenant at once), 'retention' while one instance purges old log rows. A holder that dies
-- stops renewing; after until the lease is free again.
create table leases (
    name    text primary key,
    holder  text        not null,
    until   timestamptz not null
);
