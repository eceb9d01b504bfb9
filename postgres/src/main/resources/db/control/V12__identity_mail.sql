-- An organization's own shortest password (issue 17): null means the deployment's (passwords.minLength)
-- applies; a value can only make it stricter, which Silo checks where a password is set, not here.
alter table tenants add column password_min_length integer
    check (password_min_length between 1 and 1024);

-- Forgotten-password tokens (issue 17). They live here, not in the organization's core database:
-- a reset arrives with the token alone, and only the control database can find its organization
-- without asking every tenant. The token is kept only as its SHA-256, lives minutes, and is spent
-- once (used_at); the tenant's deletion takes its tokens along.
create table password_resets (
    id          uuid primary key,
    token_hash  text        not null unique,
    tenant_id   uuid        not null references tenants (id) on delete cascade,
    user_id     uuid        not null,
    expires_at  timestamptz not null,
    used_at     timestamptz,
    created_at  timestamptz not null
);
create index password_resets_user on password_resets (tenant_id, user_id) where used_at is null;
create index password_resets_expiry on password_resets (expires_at);

-- Invitations by mail (issue 17), here for the same reason as password_resets: acceptance arrives
-- with the token alone. The roles are checked against the organization's templates when invited.
create table invitations (
    id           uuid primary key,
    token_hash   text        not null unique,
    tenant_id    uuid        not null references tenants (id) on delete cascade,
    email        text        not null,
    roles        jsonb       not null,
    invited_by   uuid        not null,
    expires_at   timestamptz not null,
    accepted_at  timestamptz,
    user_id      uuid,
    revoked_at   timestamptz,
    created_at   timestamptz not null
);
create index invitations_pending on invitations (tenant_id, created_at)
    where accepted_at is null and revoked_at is null;
