-- A session (refresh-token family) has a maximum age counted from its sign-in: every token of the
-- family carries the time the session started. Rows written before this column, or by an older
-- release during a rolling upgrade, have none: they count from their own issue time.
alter table refresh_tokens add column session_started_at timestamptz;
update refresh_tokens set session_started_at = issued_at;

-- Live sessions of a subject, newest first, to end those beyond the cap at each sign-in.
create index refresh_tokens_live on refresh_tokens (subject_kind, subject_id, session_started_at desc)
    where used_at is null and revoked_at is null;
