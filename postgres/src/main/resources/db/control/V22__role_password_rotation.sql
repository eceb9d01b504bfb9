-- Rotating a tenant role's password (job tenant.rotate-role-password): the new password is staged
-- here, sealed with the master key, before the clusters' role is altered, so that a pool whose
-- login is refused in between finds it (RolePasswords); the job then makes it the password.
alter table tenants add column db_role_password_next text;
