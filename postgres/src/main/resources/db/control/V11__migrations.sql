-- Rollouts (issue 16). The steps of each service's migrations that were released: applied to at
-- least one tenant database (a new tenant's or by a rollout). Step 0 of a version is the whole
-- migration (its checksum covers the list of operations, so an operation appended to a released
-- migration shows); steps 1.. are its operations. At start-up every loaded template is checked
-- against these rows: a released step removed or edited stops Silo, naming the file and step.
create table released_steps (
    service     text        not null,
    version     integer     not null,
    step        integer     not null,
    kind        text        not null,
    checksum    text        not null,
    released_at timestamptz not null default now(),
    primary key (service, version, step)
);

-- What each rollout job did to each database, kept after the job ends (a finished job's payload is
-- scrubbed and its step progress cleared): the summary {total, done, failed, remaining, failures}
-- and the reason a database stayed behind.
create table rollouts (
    job_id     uuid        primary key references jobs (id) on delete cascade,
    service    text        not null,
    version    integer     not null,
    total      integer     not null,
    created_at timestamptz not null default now()
);

create table rollout_databases (
    job_id        uuid        not null references rollouts (job_id) on delete cascade,
    database_name text        not null,
    tenant_id     uuid        not null,
    slug          text        not null,
    from_version  integer     not null,
    status        text        not null check (status in ('done', 'failed')),
    reason        text,
    updated_at    timestamptz not null default now(),
    primary key (job_id, database_name)
);
