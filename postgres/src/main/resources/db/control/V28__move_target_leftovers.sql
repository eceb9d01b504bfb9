-- A move rolled back while its target cluster was away leaves what it made there (the copies, the
-- subscriptions): marked here, so that housekeeping removes it once the target answers, instead of
-- only the next move to that cluster taking it over (issue 18).
alter table tenant_moves add column target_leftovers boolean not null default false;
create index tenant_moves_target_leftovers on tenant_moves (updated_at) where target_leftovers;
