-- The control plane: where tenants live, who may log in, and what state each database is in.
-- Tenant data never lives here; credentials live in each tenant's core database.

create table clusters (
    id                text primary key,
    jdbc_url          text        not null,
    admin_user        text        not null,
    admin_password    text        not null,            -- sealed with the master key
    labels            jsonb       not null default '{}',
    capacity          integer     not null check (capacity > 0),
    connection_budget integer     not null check (connection_budget > 1),
    is_control        boolean     not null default false,
    status            text        not null default 'active' check (status in ('active', 'draining', 'disabled')),
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);

create table tenants (
    id               uuid primary key,
    slug             text        not null unique,
    name             text        not null,
    business_type    text,
    status           text        not null check (status in ('provisioning', 'active', 'suspended', 'failed', 'deleting')),
    status_reason    text,
    license          text,
    quotas           jsonb       not null default '{}',
    features         jsonb       not null default '[]',
    admin_contact    jsonb,
    billing_contact  jsonb,
    notes            text,
    db_role          text        not null unique,
    db_role_password text        not null,             -- sealed with the master key
    directory_dirty  timestamptz,                      -- set before a user change; cleared once the outbox drained
    created_at       timestamptz not null,
    updated_at       timestamptz not null
);
create index tenants_directory_dirty on tenants (directory_dirty) where directory_dirty is not null;

create table tenant_databases (
    tenant_id        uuid        not null references tenants (id) on delete cascade,
    service          text        not null,
    cluster_id       text        not null references clusters (id),
    database_name    text        not null,
    template_version integer     not null,
    schema_version   integer     not null default 0,
    state            text        not null check (state in ('pending', 'creating', 'ready', 'failed', 'dropping')),
    error            text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (tenant_id, service),
    unique (cluster_id, database_name)
);

-- The login index: a projection of the users in each tenant's core database, never the source
-- of truth. Rows are applied from the tenant's outbox; user_version makes the apply idempotent.
create table directory (
    tenant_id    uuid        not null references tenants (id) on delete cascade,
    kind         text        not null check (kind in ('email', 'username')),
    login        text        not null,
    user_id      uuid        not null,
    status       text        not null,
    user_version bigint      not null,
    updated_at   timestamptz not null default now(),
    primary key (tenant_id, kind, login)
);
create index directory_login on directory (kind, login);
create index directory_user on directory (tenant_id, user_id);

create table platform_admins (
    id            uuid primary key,
    email         text        not null unique,
    name          text        not null,
    password_hash text        not null,
    status        text        not null default 'active' check (status in ('active', 'disabled')),
    last_login_at timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

create table signups (
    id           uuid primary key,
    token_hash   text        not null unique,
    email        text        not null,
    request      jsonb       not null,                 -- the organization asked for, password already hashed
    status       text        not null check (status in ('pending', 'verified', 'expired')),
    tenant_id    uuid,
    expires_at   timestamptz not null,
    verified_at  timestamptz,
    created_at   timestamptz not null default now()
);

create table refresh_tokens (
    id           uuid primary key,
    family_id    uuid        not null,
    subject_kind text        not null check (subject_kind in ('admin', 'user')),
    subject_id   uuid        not null,
    tenant_id    uuid references tenants (id) on delete cascade,
    token_hash   text        not null unique,
    issued_at    timestamptz not null,
    expires_at   timestamptz not null,
    used_at      timestamptz,
    revoked_at   timestamptz
);
create index refresh_tokens_family on refresh_tokens (family_id);
create index refresh_tokens_subject on refresh_tokens (subject_kind, subject_id);

create table signing_keys (
    kid          text primary key,
    algorithm    text        not null,
    public_jwk   jsonb       not null,
    private_key  text        not null,                 -- sealed with the master key
    created_at   timestamptz not null,
    retire_at    timestamptz not null,                 -- no longer signs after this
    expires_at   timestamptz not null                  -- no longer published after this
);

-- Long operations as resumable jobs: each step is idempotent, the next step to run is
-- persisted after every step, and a runner holds a lease that another takes over on a crash.
create table jobs (
    id           uuid primary key,
    kind         text        not null,
    tenant_id    uuid,
    state        text        not null check (state in ('pending', 'running', 'succeeded', 'failed')),
    payload      jsonb       not null default '{}',
    steps        jsonb       not null default '[]',
    next_step    integer     not null default 0,
    attempts     integer     not null default 0,
    error        text,
    run_after    timestamptz not null default now(),
    locked_by    text,
    lease_until  timestamptz,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    finished_at  timestamptz
);
create index jobs_runnable on jobs (run_after) where state in ('pending', 'running');
create index jobs_tenant on jobs (tenant_id);

create table audit_log (
    id             bigint generated always as identity primary key,
    at             timestamptz not null default now(),
    actor_kind     text        not null,
    actor_id       text,
    actor_name     text,
    action         text        not null,
    target_kind    text,
    target_id      text,
    tenant_id      uuid,
    details        jsonb       not null default '{}',
    client_address text,
    user_agent     text,
    request_id     text
);
create index audit_log_at on audit_log (at desc);
create index audit_log_tenant on audit_log (tenant_id, at desc);

-- Every Silo instance caches placements; this tells all of them at once when one changes.
create function notify_placement() returns trigger language plpgsql as $$
begin
    perform pg_notify('silo_placement', coalesce(new.id::text, old.id::text));
    return null;
end $$;

create function notify_database_placement() returns trigger language plpgsql as $$
begin
    perform pg_notify('silo_placement', coalesce(new.tenant_id::text, old.tenant_id::text));
    return null;
end $$;

create trigger tenants_placement after update or delete on tenants
    for each row execute function notify_placement();
create trigger tenant_databases_placement after insert or update or delete on tenant_databases
    for each row execute function notify_database_placement();
