-- Sessions (refresh-token families) ended before their access tokens expire: a logout, or every
-- session of a user who was deleted, disabled, lost a role or had a password reset. Access tokens
-- name their session ('sid'); every instance keeps the recent rows in memory and refuses the
-- tokens of a session listed here. Each insert is announced on 'silo_revocation', so the other
-- instances follow at once; a row is needed only while an access token of its session may live.
create table revoked_sessions (
    session_id uuid primary key,
    revoked_at timestamptz not null
);
create index revoked_sessions_at on revoked_sessions (revoked_at);

create function notify_revocation() returns trigger language plpgsql as $$
begin
    perform pg_notify('silo_revocation', new.session_id::text);
    return null;
end $$;

create trigger revoked_sessions_notify after insert on revoked_sessions
    for each row execute function notify_revocation();
