package io.silo.postgres.control;

import io.silo.error.ProblemType;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.template.Migration;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The migration steps that were released, per service, in the control database
 * ({@code released_steps}). A step is released when a version is first applied to any tenant
 * database: by provisioning (a new database at the newest version) or by a rollout. From then on
 * a template may add migrations but not remove or edit a released one; {@link #check} is run at
 * start-up, where it stops Silo with one line per broken step naming the file, and by a reload of
 * the templates, which it refuses so.
 *
 * <p>Step 0 of a version stands for the whole migration, its checksum over every operation in
 * order, so an operation appended to a released migration (which databases already at that
 * version would never run) is caught too.
 *
 * <p>Thread-safe.
 */
public final class ReleasedSteps {
    private static final String SELECT = "SELECT service, version, step, kind, checksum FROM released_steps";

    private final Jdbc jdbc;

    public ReleasedSteps(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records every step of {@code template} as released; steps recorded already keep their row,
     * and must match it: two instances that took in different files of one version (a reload, a
     * rolling upgrade) cannot both release theirs.
     *
     * @throws io.silo.error.SiloException {@code migration-step-edited} when a step released before differs
     */
    public void release(ServiceTemplate template) {
        jdbc.useTransaction(handle -> {
            for (Migration migration : template.migrations()) {
                insert(handle, template.service(), migration.version(), 0, "migration", migration.checksum());
                for (int i = 0; i < migration.operations().size(); i++) {
                    var operation = migration.operations().get(i);
                    insert(
                            handle,
                            template.service(),
                            migration.version(),
                            i + 1,
                            operation.kind(),
                            operation.checksum());
                }
            }
            // versions above this one are not its business: an older instance in a rolling upgrade
            // still provisions at the version it knows
            List<String> problems = new ArrayList<>();
            for (Released released : handle.query(
                    SELECT + " WHERE service = ? AND version <= ? ORDER BY version, step",
                    ReleasedSteps::released,
                    template.service(),
                    template.version())) {
                problem(template, released).ifPresent(problems::add);
            }
            if (!problems.isEmpty()) {
                throw ProblemType.MIGRATION_STEP_EDITED.exception(template.service() + " version " + template.version()
                        + " differs from what was released: " + String.join("; ", problems));
            }
        });
    }

    /**
     * Checks every template against the released steps of its service.
     *
     * @throws io.silo.error.SiloException {@code migration-step-edited}, one line per broken step
     */
    public void check(TemplateCatalog templates) {
        List<String> problems = new ArrayList<>();
        for (Released released : jdbc.query(SELECT + " ORDER BY service, version, step", ReleasedSteps::released)) {
            templates
                    .find(released.service())
                    .ifPresent(template -> problem(template, released)
                            .ifPresent(problem -> problems.add(templates.source(template.service()) + ": " + problem)));
        }
        if (!problems.isEmpty()) {
            throw ProblemType.MIGRATION_STEP_EDITED.exception(String.join("\n", problems));
        }
    }

    private static Optional<String> problem(ServiceTemplate template, Released released) {
        Optional<Migration> migration = template.migrations().stream()
                .filter(candidate -> candidate.version() == released.version())
                .findFirst();
        String where = "migrations[" + (released.version() - 1) + "]";
        if (migration.isEmpty()) {
            return Optional.of(where + ": version " + released.version()
                    + " was released to tenant databases and may not be removed");
        }
        if (released.step() == 0) {
            return migration.get().checksum().equals(released.checksum())
                    ? Optional.empty()
                    : Optional.of(where + ": migration " + released.version()
                            + " was released; its operations may not change (add migration "
                            + (template.version() + 1) + " instead)");
        }
        List<Migration.Operation> operations = migration.get().operations();
        String step = where + ".operations[" + (released.step() - 1) + "]";
        if (released.step() > operations.size()) {
            return Optional.of(step + ": the released step (" + released.kind() + ") was removed");
        }
        Migration.Operation operation = operations.get(released.step() - 1);
        if (!operation.checksum().equals(released.checksum())) {
            return Optional.of(step + ": the released step (" + released.kind() + ") was edited: checksum "
                    + released.checksum().substring(0, 12) + ", now "
                    + operation.checksum().substring(0, 12)
                    + "; add migration " + (template.version() + 1) + " instead");
        }
        return Optional.empty();
    }

    private static void insert(
            io.silo.postgres.jdbc.Handle handle, String service, int version, int step, String kind, String checksum) {
        handle.update(
                "INSERT INTO released_steps (service, version, step, kind, checksum) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (service, version, step) DO NOTHING",
                service,
                version,
                step,
                kind,
                checksum);
    }

    private static Released released(ResultSet row) throws SQLException {
        return new Released(row.getString(1), row.getInt(2), row.getInt(3), row.getString(4), row.getString(5));
    }

    private record Released(String service, int version, int step, String kind, String checksum) {}
}
