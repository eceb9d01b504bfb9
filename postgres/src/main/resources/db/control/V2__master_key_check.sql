-- Facts about this control plane itself. 'master_key_check' holds a value sealed with the master
-- key at first start, so that an instance started with another key stops at once with a clear
-- message instead of failing on every sealed secret later.
create table control_settings (
    key        text primary key,
    value      text        not null,
    created_at timestamptz not null default now()
);
