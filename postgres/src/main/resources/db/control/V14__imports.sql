-- silo import (issue 17): which organization each organization of an imported MongoDB source became,
-- so that a re-run finds it again instead of creating a second one, and an organization that exists
-- under the same slug but was not made by this source is reported as a name collision, not taken.
-- Written in the transaction that records the new organization, before its row: hence deferred.
create table imported_organizations (
    source      text        not null,
    source_key  text        not null,
    tenant_id   uuid        not null references tenants (id) on delete cascade deferrable initially deferred,
    imported_at timestamptz not null default now(),
    primary key (source, source_key)
);
create index imported_organizations_tenant on imported_organizations (tenant_id);
