-- The origins of an organization's own browser front ends (CORS), exact ("https://app.example.com"),
-- at most 20, checked by Silo before they are stored. Each instance carries them with the tenant's
-- cached placement (the tenants trigger already tells every instance of a change), and keeps the
-- set of every organization's origins for preflights, which carry no token to say whose they are.
alter table tenants add column cors_origins jsonb not null default '[]';

-- that set is read from the few organizations that list any
create index tenants_with_cors_origins on tenants (id) where cors_origins <> '[]'::jsonb;
