-- silo import as a job (issue 17): what each finished step of an organization.import job found, so
-- that a job resumed after a crash (by another instance, or by the command run again) still reports
-- the steps that ran before it, and the import's report once the job has ended (the job's payload is
-- cleared then). A step that runs again replaces its row; the rows of the steps go when the report is
-- written at the end. Both go with their job (housekeeping removes finished jobs after 30 days).
create table import_job_steps (
    job_id      uuid        not null references jobs (id) on delete cascade,
    step_index  int         not null,
    step        text        not null,
    outcome     jsonb       not null,
    recorded_at timestamptz not null default now(),
    primary key (job_id, step_index)
);

create table import_reports (
    job_id      uuid        primary key references jobs (id) on delete cascade,
    source      text        not null,
    complete    boolean     not null,
    report      jsonb       not null,
    finished_at timestamptz not null default now()
);
