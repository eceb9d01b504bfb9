-- Issue 17: what organizations need of the control plane.
--
-- An organization's optional id in another system (org_techcorp_001, a MongoDB ObjectId), accepted
-- wherever an organization is named, as its slug is. Slugs and external ids share that one namespace:
-- an external id never equals any organization's slug, nor a slug any external id. The check runs
-- under a transaction-scoped advisory lock, so two concurrent writes cannot both pass it.
alter table tenants add column external_id text;
create unique index tenants_external_id_key on tenants (external_id) where external_id is not null;

create function check_organization_names() returns trigger language plpgsql as $$
begin
    perform pg_advisory_xact_lock(7163022);
    if new.external_id is not null
       and (new.external_id = new.slug or exists (select 1 from tenants where slug = new.external_id and id <> new.id)) then
        raise exception 'external id % is the slug of an organization', new.external_id
            using errcode = 'unique_violation', constraint = 'tenants_external_id_is_slug';
    end if;
    if exists (select 1 from tenants where external_id = new.slug and id <> new.id) then
        raise exception 'slug % is the external id of an organization', new.slug
            using errcode = 'unique_violation', constraint = 'tenants_slug_is_external_id';
    end if;
    return new;
end $$;

create trigger tenants_organization_names before insert or update of slug, external_id on tenants
    for each row execute function check_organization_names();

-- An organization closed by its own administrator: suspended at once, deleted by housekeeping once
-- delete_after has passed, unless a platform administrator activates it before (which clears it).
alter table tenants add column delete_after timestamptz;
create index tenants_delete_after on tenants (delete_after) where delete_after is not null;
