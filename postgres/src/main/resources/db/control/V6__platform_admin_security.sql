-- Platform administrators hold the keys to every tenant, so their sign-in gets more than members':
--
-- * a lockout kept here, not in one instance's memory: consecutive failed sign-ins (a wrong password
--   or a wrong second-factor code) across every instance and restart; at admin.lockThreshold the
--   administrator is locked until locked_until, which ends on its own (or `silo admins unlock`);
-- * a TOTP second factor (RFC 6238): the secret sealed under the master key like every other stored
--   secret; totp_enabled_at is null while an enrollment is begun but not confirmed; totp_last_step is
--   the last time step whose code was accepted, so no code is accepted twice;
-- * single-use recovery codes, stored as SHA-256 (each carries 100 random bits), deleted when used.
alter table platform_admins
    add column failed_logins   integer not null default 0,
    add column locked_until    timestamptz,
    add column totp_secret     text,
    add column totp_enabled_at timestamptz,
    add column totp_last_step  bigint;

create table platform_admin_recovery_codes (
    admin_id  uuid not null references platform_admins (id) on delete cascade,
    code_hash text not null,
    primary key (admin_id, code_hash)
);
