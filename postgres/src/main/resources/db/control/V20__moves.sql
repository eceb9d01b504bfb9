-- Moves of organizations between clusters (issue 18): one row per move job. The row says where each
-- database came from, so that the old copies are dropped once the grace period ends, and it keeps
-- what the move measured (the method, the rows counted on both sides, the length of the write fence).
-- No foreign key to tenants: the old copies of an organization deleted meanwhile must still be dropped.
create table tenant_moves (
    job_id         uuid primary key,
    tenant_id      uuid        not null,
    slug           text        not null,
    target_cluster text        not null,
    method         text        check (method in ('logical', 'copy')),
    state          text        not null default 'copying'
                               check (state in ('copying', 'fenced', 'switched', 'dropped', 'rolled-back')),
    databases      jsonb       not null default '[]',   -- [{service, database, cluster}] where they were
    counts         jsonb,                               -- rows per database and table, as verified
    fenced_at      timestamptz,
    fence_ms       bigint,
    switched_at    timestamptz,
    drop_after     timestamptz,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);
-- one move of an organization at a time
create unique index tenant_moves_under_way on tenant_moves (tenant_id) where state in ('copying', 'fenced');
create index tenant_moves_to_drop on tenant_moves (drop_after) where state = 'switched';
