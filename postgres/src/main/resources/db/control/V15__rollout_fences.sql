-- Write fences of rollouts (issue 16): how long each database's writes were fenced while it
-- migrated (a data step's catch-up, a schema change, a dropped collection, raw SQL), so that a
-- rollout reports its longest fence. NULL: the database needed none.
alter table rollout_databases add column fence_ms bigint;
