-- An organization's own shortest password (issue 17): null means the deployment's (passwords.minLength)
-- applies; a value can only make it stricter, which Silo checks where a password is set, not here.
alter table tenants add column password_min_length integer
    check (password_min_length between 1 and 1024);
