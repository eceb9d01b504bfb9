package io.silo.bench.report;

import io.silo.bench.load.Pgbench;
import io.silo.bench.setup.Migration;
import io.silo.bench.stack.AtRest;
import io.silo.bench.stack.HotSpots;
import io.silo.bench.stack.PoolFigures;
import io.silo.bench.system.Machine;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one run measured.
 *
 * @param startedAt when the run started
 * @param commit the git commit of the code under test, {@code +dirty} when the work tree had changes
 * @param machine the hardware
 * @param postgres the server's version and how it ran
 * @param parameters the run's parameters, in the order the report shows them
 * @param setupSeconds how long each setup step took, in order
 * @param provisioning provisioning next to raw database creation
 * @param phases the load phases, in the order they ran
 * @param pgbench PostgreSQL's own benchmark, when pgbench is installed
 * @param wrk routed reads under wrk, when wrk is installed
 * @param soak the soak, with {@code --soak}
 * @param rawBudget the connections the raw-JDBC phases could hold, when they ran
 * @param profile hot spots of Silo under the routed-read load, when profiled
 * @param migration the migration of every tenant's database, directly and by the rollout job
 * @param maxTenantBackends the most tenant-role server connections seen at once during the whole run
 * @param maxResidentBytes Silo's largest resident memory during the whole run
 * @param pools the pool counters of the Silo that ran the load phases, read when they ended
 * @param seconds the whole run
 */
public record RunResult(
        Instant startedAt,
        String commit,
        Machine machine,
        String postgres,
        Map<String, String> parameters,
        Map<String, Double> setupSeconds,
        ProvisioningResult provisioning,
        List<PhaseResult> phases,
        Optional<Pgbench.Result> pgbench,
        Optional<WrkPhase> wrk,
        Optional<SoakPhase> soak,
        java.util.OptionalInt rawBudget,
        Optional<HotSpots> profile,
        Migration.Result migration,
        Optional<AtRest> atRest,
        long maxTenantBackends,
        long maxResidentBytes,
        Optional<PoolFigures> pools,
        double seconds) {

    /** A copy with PostgreSQL's figures at rest, measured after Silo stopped. */
    public RunResult withAtRest(Optional<AtRest> measured) {
        return new RunResult(
                startedAt,
                commit,
                machine,
                postgres,
                parameters,
                setupSeconds,
                provisioning,
                phases,
                pgbench,
                wrk,
                soak,
                rawBudget,
                profile,
                migration,
                measured,
                maxTenantBackends,
                maxResidentBytes,
                pools,
                seconds);
    }

    public RunResult {
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        setupSeconds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(setupSeconds));
        phases = List.copyOf(phases);
    }

    /** The phase of a kind, if the run had it. */
    public Optional<PhaseResult> phase(PhaseResult.Kind kind) {
        return phases.stream().filter(phase -> phase.kind() == kind).findFirst();
    }
}
