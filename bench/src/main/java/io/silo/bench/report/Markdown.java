package io.silo.bench.report;

import io.silo.bench.load.LatencyHistogram;
import io.silo.bench.load.LoadResult;
import io.silo.bench.setup.Migration;
import io.silo.bench.setup.Timings;
import io.silo.bench.stack.AtRest;
import io.silo.bench.stack.HotSpots;
import io.silo.bench.stack.PhaseFigures;
import io.silo.bench.stack.PoolFigures;
import io.silo.bench.stack.Soak;
import io.silo.bench.system.CpuSplit;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * The section of {@code docs/benchmarks.md} for one run: machine, date, commit, parameters, then
 * every figure in tables, the bars of the benchmark issue with what was measured against them,
 * and the chart. Nothing in it is typed in: every number comes from the run.
 *
 * <p>Thread-safe: stateless.
 */
public final class Markdown {
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** The most tenants for which the warm-fleet bars (against pgbench, Silo's CPU per read) are shown. */
    private static final int WARM_FLEET = 10;

    private Markdown() {}

    /** The section, linking the chart at {@code chartLink} (relative to the Markdown file). */
    public static String section(RunResult run, String chartLink) {
        StringBuilder out = new StringBuilder();
        heading(out, run);
        out.append("![Throughput and latency of this run](").append(chartLink).append(")\n\n");
        bars(out, run);
        load(out, run);
        system(out, run);
        run.soak().ifPresent(soak -> soakMemory(out, soak.memory()));
        provisioning(out, run.provisioning());
        migration(out, run.migration());
        run.atRest().ifPresent(atRest -> atRest(out, atRest));
        setup(out, run);
        run.profile().ifPresent(profile -> profile(out, profile));
        return out.toString();
    }

    private static void heading(StringBuilder out, RunResult run) {
        out.append("### ")
                .append(WHEN.format(run.startedAt()))
                .append(" · ")
                .append(run.parameters().getOrDefault("tenants", "?"))
                .append(" tenants · commit `")
                .append(run.commit())
                .append("`\n\n");
        out.append(f(
                "%s (nproc %d), %s of memory, %s; load average %.2f when the run started. PostgreSQL %s. The run took %s.%n%n",
                run.machine().model(),
                run.machine().processors(),
                bytes(run.machine().memoryBytes()),
                run.machine().os(),
                run.machine().loadAverage(),
                run.postgres(),
                duration(run.seconds())));
        out.append("| parameter | value |\n|---|---|\n");
        run.parameters()
                .forEach((name, value) -> out.append("| ")
                        .append(name)
                        .append(" | ")
                        .append(value)
                        .append(" |\n"));
        out.append('\n');
    }

    private static void bars(StringBuilder out, RunResult run) {
        out.append("**Against the bar** (the figures below; \"met\" is information, never a test)\n\n");
        out.append("| bar | measured | met |\n|---|---|---|\n");
        Optional<PhaseResult> reads = run.phase(PhaseResult.Kind.READS);
        // throughput from wrk when it ran (a load generator that costs little), else from the bench's own clients
        double routedReads = run.wrk()
                .map(wrk -> wrk.output().requestsPerSecond())
                .orElse(reads.map(phase -> phase.load().throughput()).orElse(0.0));
        String readsBy = run.wrk().isPresent() ? "wrk" : "the bench's clients";
        // the warm fleet: few tenants, every connection warm
        boolean warmFleet = tenants(run) <= WARM_FLEET;
        run.pgbench()
                .filter(pgbench -> warmFleet)
                .ifPresent(pgbench -> row(
                        out,
                        "routed reads ≥ 0.33 of `pgbench -S -M prepared` (a warm fleet: few tenants)",
                        f(
                                "%.2f (%s req/s under %s, pgbench %s tps)",
                                routedReads / pgbench.tps(), rate(routedReads), readsBy, rate(pgbench.tps())),
                        routedReads / pgbench.tps() >= 0.33));
        Optional<Double> siloMicros = run.wrk()
                .flatMap(wrk -> micros(wrk.system(), wrk.output().requestsPerSecond(), run))
                .or(() -> reads.flatMap(
                        phase -> micros(phase.system(), phase.load().throughput(), run)));
        siloMicros
                .filter(micros -> warmFleet)
                .ifPresent(micros -> row(
                        out,
                        "Silo's CPU ≤ 60 µs per routed read",
                        f("%.0f µs (under %s)", micros, readsBy),
                        micros <= 60));
        run.phase(PhaseResult.Kind.RAW_READS).ifPresent(raw -> {
            boolean budgetCoversTenants = run.rawBudget().orElse(0) >= tenants(run);
            double bar = budgetCoversTenants ? 0.25 : 0.8;
            double ratio = routedReads / raw.load().throughput();
            row(
                    out,
                    f(
                            "routed reads ≥ %.2f of raw JDBC with the same budget and LRU (%s)",
                            bar, budgetCoversTenants ? "budget ≥ tenants" : "budget < tenants"),
                    f(
                            "%.2f (%s of %s req/s, budget %d)",
                            ratio,
                            rate(routedReads),
                            rate(raw.load().throughput()),
                            run.rawBudget().orElse(0)),
                    ratio >= bar);
            if (budgetCoversTenants) {
                reads.ifPresent(phase -> phase.system().pools().ifPresent(pools -> {
                    double perSecond = pools.reclaimed() / phase.load().seconds();
                    row(
                            out,
                            "pool reclaims < 1/s under routed reads when the budget covers the tenants",
                            f(
                                    "%.1f/s (%d in %.0f s)",
                                    perSecond, pools.reclaimed(), phase.load().seconds()),
                            perSecond < 1);
                }));
            }
        });
        run.phase(PhaseResult.Kind.RAW_INSERTS).ifPresent(raw -> {
            for (PhaseResult.Kind kind : List.of(PhaseResult.Kind.INSERTS, PhaseResult.Kind.PATCHES)) {
                run.phase(kind).ifPresent(phase -> {
                    double ratio = phase.load().throughput() / raw.load().throughput();
                    row(
                            out,
                            kind.label() + " ≥ 0.5 of raw JDBC inserts with their activity row",
                            f(
                                    "%.2f (%s of %s req/s)",
                                    ratio,
                                    rate(phase.load().throughput()),
                                    rate(raw.load().throughput())),
                            ratio >= 0.5);
                });
            }
        });
        run.soak().ifPresent(soak -> {
            Soak.Figures memory = soak.memory();
            if (memory.samples().size() < 2) {
                row(out, "a soak at half load: no error; memory flat", "too few memory samples to tell", false);
                return;
            }
            double settled = soak.load().seconds() / 60 - memory.settleMinutes();
            double rssDrift = SoakPhase.drift(
                    memory.residentSlope(),
                    settled,
                    memory.samples().stream()
                            .mapToLong(Soak.Sample::residentBytes)
                            .average()
                            .orElse(0));
            double heapDrift = SoakPhase.drift(
                    memory.heapSlope(),
                    settled,
                    memory.samples().stream()
                            .mapToLong(Soak.Sample::heapAfterGcBytes)
                            .average()
                            .orElse(0));
            row(
                    out,
                    f(
                            "a %.0f-minute soak at half load: no error; RSS and live heap flat (drift < 5 %% over the last %.0f min)",
                            soak.load().seconds() / 60, settled),
                    f(
                            "%d errors; RSS %+.2f MiB/min (%.1f %%), live heap %+.2f MiB/min (%.1f %%)",
                            soak.load().failed(),
                            memory.residentSlope() / (1 << 20),
                            rssDrift * 100,
                            memory.heapSlope() / (1 << 20),
                            heapDrift * 100),
                    soak.load().failed() == 0 && rssDrift < 0.05 && heapDrift < 0.05);
        });
        run.phase(PhaseResult.Kind.HALF_LOAD_READS).ifPresent(half -> {
            double p99 = half.load().all().percentileMillis(99);
            row(
                    out,
                    "p99 < 10 ms at half of the peak routed-read rate",
                    f("%s ms at %s req/s", ms(p99), rate(half.load().throughput()))
                            + run.phase(PhaseResult.Kind.RAW_HALF_LOAD_READS)
                                    .map(raw -> f(
                                            " (raw JDBC, same budget, same rate: %s ms)",
                                            ms(raw.load().all().percentileMillis(99))))
                                    .orElse(""),
                    p99 < 10);
            row(
                    out,
                    "cold tenants do not stall hot ones (same phase)",
                    f(
                            "hot p99 %s ms, cold p99 %s ms",
                            ms(half.load().hot().percentileMillis(99)),
                            ms(half.load().cold().percentileMillis(99))),
                    half.load().hot().percentileMillis(99) < 10);
        });
        run.pools()
                .ifPresent(pools -> row(
                        out,
                        "server connections of tenant roles never above the budget",
                        f(
                                "at most %d, budget %d (pg_stat_activity every 100 ms, whole run)",
                                run.maxTenantBackends(), pools.budget()),
                        run.maxTenantBackends() <= pools.budget()));
        ProvisioningResult provisioning = run.provisioning();
        row(
                out,
                "provisioning ≤ 1.5 × raw CREATE DATABASE per database, hashing aside",
                f(
                        "%.2f × (%s ms against %s ms)",
                        provisioning.ratio(),
                        ms(provisioning.siloPerDatabase()),
                        ms(provisioning.raw().median())),
                provisioning.ratio() <= 1.5);
        var migration = run.migration();
        row(
                out,
                "a rollout (add an index) at ≥ 0.8 × SchemaApplier directly, and ≥ 50 databases/s",
                f(
                        "%.2f × (%s; the rollout at %.1f databases/s, the baseline at %.1f, %s; %d databases)",
                        migration.ratio(),
                        migration.rounds().size() == 1
                                ? "1 round"
                                : "the median of " + migration.rounds().size() + " rounds' ratios",
                        migration.rolloutPerSecond(),
                        migration.directPerSecond(),
                        migration.rounds().size() == 1 ? "in it" : "each the median of its rounds",
                        migration.databases()),
                migration.ratio() >= 0.8 && migration.rolloutPerSecond() >= 50);
        out.append('\n');
    }

    private static void load(StringBuilder out, RunResult run) {
        out.append(
                "**Load**: latencies as the clients saw them, in ms; errors are non-2xx answers and broken connections. Hot tenants "
                        + "are the few that take half the requests, cold ones the rest.\n\n");
        out.append("| phase | clients | req/s | p50 | p99 | p99.9 | max | errors | hot p99 | cold p99 |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (PhaseResult phase : run.phases()) {
            LoadResult load = phase.load();
            LatencyHistogram all = load.all();
            String name = phase.kind().label()
                    + load.targetRate().stream()
                            .mapToObj(rate -> " (" + rate(rate) + " req/s offered)")
                            .collect(Collectors.joining());
            out.append(f(
                    "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    name,
                    load.clients(),
                    rate(load.throughput()),
                    ms(all.percentileMillis(50)),
                    ms(all.percentileMillis(99)),
                    ms(all.percentileMillis(99.9)),
                    ms(all.maxMillis()),
                    errors(load),
                    ms(load.hot().percentileMillis(99)),
                    ms(load.cold().percentileMillis(99))));
        }
        run.wrk()
                .ifPresentOrElse(
                        wrk -> out.append(f(
                                "| routed reads under wrk (2 threads) | %d | %s | | %s | | | %s | | |%n",
                                wrk.connections(),
                                rate(wrk.output().requestsPerSecond()),
                                ms(wrk.output().p99Millis()),
                                wrk.output().errors())),
                        () -> out.append("| routed reads under wrk | not installed | | | | | | | | |\n"));
        run.soak()
                .ifPresent(soak -> out.append(f(
                        "| soak: routed reads at half load, %.0f min | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        soak.load().seconds() / 60,
                        soak.load().clients(),
                        rate(soak.load().throughput()),
                        ms(soak.load().all().percentileMillis(50)),
                        ms(soak.load().all().percentileMillis(99)),
                        ms(soak.load().all().percentileMillis(99.9)),
                        ms(soak.load().all().maxMillis()),
                        errors(soak.load()),
                        ms(soak.load().hot().percentileMillis(99)),
                        ms(soak.load().cold().percentileMillis(99)))));
        run.pgbench()
                .ifPresentOrElse(
                        pgbench -> out.append(f(
                                "| pgbench %s -S -M prepared (one database, scale %d) | %d | %s | "
                                        + "%s (mean) | | | | | | |%n",
                                pgbench.version(),
                                pgbench.scale(),
                                pgbench.clients(),
                                rate(pgbench.tps()),
                                ms(pgbench.latencyMillis()))),
                        () -> out.append("| pgbench | not installed | | | | | | | | |\n"));
        out.append('\n');
    }

    private static void system(StringBuilder out, RunResult run) {
        out.append(
                "**System** during each measured window: server connections of tenant roles (the budgeted ones) and of every "
                        + "client, at most; what the pools did; Silo's resident memory at most; where the CPU went, as shares of all "
                        + "cores; and the share of the window during which some task waited for the disk (I/O pressure, "
                        + "`/proc/pressure/io`).\n\n");
        out.append(
                "| phase | tenant conns max | all conns max | pools opened | evicted | reclaimed | budget waits | budget timeouts "
                        + "| Silo RSS max | CPU: Silo · PostgreSQL · load generator · other · idle | Silo µs/req "
                        + "| I/O pressure |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (PhaseResult phase : run.phases()) {
            PhaseFigures system = phase.system();
            systemRow(
                    out,
                    phase.kind().label(),
                    system,
                    phase.kind().routed() ? micros(system, phase.load().throughput(), run) : Optional.empty());
        }
        run.wrk()
                .ifPresent(wrk -> systemRow(
                        out,
                        "routed reads under wrk (its CPU is under other)",
                        wrk.system(),
                        micros(wrk.system(), wrk.output().requestsPerSecond(), run)));
        out.append('\n');
        run.pools()
                .ifPresent(pools -> out.append(f(
                        "Whole run: at most %d tenant-role connections (budget %d); Silo's resident memory at "
                                + "most %s; after the load phases %d pools open, %d opened and %d evicted since Silo "
                                + "started.%n%n",
                        run.maxTenantBackends(),
                        pools.budget(),
                        bytes(run.maxResidentBytes()),
                        pools.poolsOpen(),
                        pools.poolsOpened(),
                        pools.poolsEvicted())));
    }

    private static void soakMemory(StringBuilder out, Soak.Figures memory) {
        out.append("**Soak memory**: Silo's live objects after a full collection, by minute: ");
        out.append(
                memory.samples().isEmpty()
                        ? "no sample"
                        : memory.samples().stream()
                                .map(sample -> f("%.0f: %s", sample.minute(), bytes(sample.heapAfterGcBytes())))
                                .collect(Collectors.joining(", ")));
        out.append(f(
                ". What grew most after minute %.0f (live objects, `jcmd GC.class_histogram`): ",
                memory.settleMinutes()));
        out.append(
                memory.grown().isEmpty()
                        ? "nothing"
                        : memory.grown().stream()
                                .map(growth -> f(
                                        "`%s` %+d (%+.1f KiB)",
                                        growth.className(), growth.instances(), growth.bytes() / 1024.0))
                                .collect(Collectors.joining(", ")));
        out.append(".\n\n");
    }

    private static void systemRow(StringBuilder out, String label, PhaseFigures system, Optional<Double> micros) {
        Optional<PoolFigures> pools = system.pools();
        out.append(f(
                "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                label,
                system.maxTenantBackends(),
                system.maxClientBackends(),
                count(pools.map(PoolFigures::poolsOpened)),
                count(pools.map(PoolFigures::poolsEvicted)),
                count(pools.map(PoolFigures::reclaimed)),
                count(pools.map(PoolFigures::budgetWaits)),
                count(pools.map(PoolFigures::budgetTimeouts)),
                bytes(system.maxResidentBytes()),
                cpu(system.cpu()),
                micros.map(value -> f("%.0f", value)).orElse(""),
                share(system.ioPressure())));
    }

    /** Silo's CPU per request in a window: its share of all cores, over the requests answered. */
    private static Optional<Double> micros(PhaseFigures system, double perSecond, RunResult run) {
        return system.cpu()
                .filter(split -> perSecond > 0)
                .map(split -> split.silo() * run.machine().processors() * 1e6 / perSecond);
    }

    private static int tenants(RunResult run) {
        return Integer.parseInt(run.parameters().getOrDefault("tenants", "0"));
    }

    private static void provisioning(StringBuilder out, ProvisioningResult result) {
        out.append(
                "**Provisioning**, one organization at a time unless said otherwise, over HTTP until active; raw creations on an "
                        + "administrative connection to the same server, from the same template databases.\n\n");
        out.append("| what | count | p50 ms | p95 ms | rate |\n|---|---|---|---|---|\n");
        out.append(f(
                "| Silo: organization with core + %d services (concurrency %d) | %d | %s | %s | %.2f tenants/s |%n",
                result.databasesPerTenant() - 1,
                result.concurrency(),
                result.perTenant().count(),
                ms(result.perTenant().median()),
                ms(result.perTenant().percentile(95)),
                result.tenantsPerSecond()));
        out.append(f(
                "| Silo: the first organization, which also built the template databases | 1 | %s | | |%n",
                ms(result.firstTenantMillis())));
        timings(out, "raw `CREATE DATABASE … TEMPLATE`, one per template in rounds among the tenants", result.raw());
        timings(out, "one argon2id hash with Silo's parameters (benchmark JVM)", result.hash());
        out.append(f(
                "| Silo per database, hash aside: (p50 − hash) / %d | | %s | | %.2f × raw |%n%n",
                result.databasesPerTenant(), ms(result.siloPerDatabase()), result.ratio()));
    }

    private static void timings(StringBuilder out, String what, Timings timings) {
        out.append(f(
                "| %s | %d | %s | %s | |%n", what, timings.count(), ms(timings.median()), ms(timings.percentile(95))));
    }

    static void migration(StringBuilder out, Migration.Result migration) {
        int count = migration.rounds().size();
        out.append("**Migration** across every tenant, two ways in " + (count == 1 ? "one round" : count + " rounds")
                + " of this run: a template version with one more index applied directly with `SchemaApplier` on an "
                + "administrative connection per database (the baseline), and another rolled out by Silo's own job "
                + "through `POST /api/admin/migrations` (a canary, then the rest) once Silo, the one that ran the load "
                + "phases, took it in without a restart (`POST /api/admin/templates/reload`), timed from each job's "
                + "creation to its end. "
                + (count == 1
                        ? ""
                        : "Odd rounds run the baseline first, even rounds the rollout; the bar reads the medians of "
                                + "the rounds, so that a disk that stalls in one round moves it less. ")
                + "Each way starts after a `CHECKPOINT` and after waiting for a quiet disk (how that wait ended: the "
                + "quiet disk column). I/O pressure: the share of the phase, as the benchmark saw it (the rollout's "
                + "from its first request to its last job seen ended), during which some task waited for the disk "
                + "(`/proc/pressure/io`). The phases' own commits count in it; high pressure while little is written "
                + "points at the disk.\n\n");
        out.append(
                "| round | how | change | databases | at a time | total | databases/s | quiet disk | I/O pressure |\n"
                        + "|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < count; i++) {
            Migration.Round round = migration.rounds().get(i);
            if (round.rolloutFirst()) {
                rolloutRows(out, i + 1, round.rollout());
                directRow(out, i + 1, round.direct());
            } else {
                directRow(out, i + 1, round.direct());
                rolloutRows(out, i + 1, round.rollout());
            }
        }
        out.append(f(
                "%nRollout against direct: %.2f × (%s; each round's: %s), the rollout at %.1f databases/s, the "
                        + "baseline at %.1f. Longest write fence: %s.%n%n",
                migration.ratio(),
                count == 1 ? "one round" : "the median of " + count + " rounds",
                migration.rounds().stream()
                        .map(round -> f("%.2f", round.ratio()))
                        .collect(Collectors.joining(", ")),
                migration.rolloutPerSecond(),
                migration.directPerSecond(),
                migration.longestFence().map(Migration.Fence::toString).orElse("none (adding an index needs none)")));
    }

    private static void directRow(StringBuilder out, int round, Migration.Figures direct) {
        out.append(f(
                "| %d | SchemaApplier, directly (p50 %s ms, p95 %s ms) | %s | %d | %d | %.1f s | %.1f | %s | %s |%n",
                round,
                ms(direct.perDatabase().median()),
                ms(direct.perDatabase().percentile(95)),
                direct.change(),
                direct.perDatabase().count(),
                direct.concurrency(),
                direct.seconds(),
                direct.databasesPerSecond(),
                settled(direct.disk()),
                share(direct.disk().pressure())));
    }

    private static void rolloutRows(StringBuilder out, int round, Migration.Rollout rollout) {
        out.append(f(
                "| %d | rollout job, canary | %s | %d | %d | %.1f s | %.1f | %s | %s |%n",
                round,
                rollout.change(),
                rollout.canary(),
                rollout.parallel(),
                rollout.canarySeconds(),
                rollout.canaryPerSecond(),
                settled(rollout.disk()),
                share(rollout.canaryPressure())));
        out.append(f(
                "| %d | rollout job, all | %s | %d | %d | %.1f s | %.1f | | %s |%n",
                round,
                rollout.change(),
                rollout.databases(),
                rollout.parallel(),
                rollout.seconds(),
                rollout.databasesPerSecond(),
                share(rollout.disk().pressure())));
    }

    /** How a phase's wait for a quiet disk ended: "quiet at once", "quiet after 35 s", "not quiet after 120 s: 37 %". */
    private static String settled(Migration.Disk disk) {
        return disk.settled()
                .map(settled -> {
                    double seconds = settled.waited().toMillis() / 1e3;
                    if (!settled.quiet()) {
                        return f("not quiet after %.0f s: %.0f %%", seconds, settled.share() * 100);
                    }
                    return settled.spans() == 1 ? "quiet at once" : f("quiet after %.0f s", seconds);
                })
                .orElse("no pressure information");
    }

    private static String share(OptionalDouble share) {
        return share.isPresent() ? f("%.0f %%", share.getAsDouble() * 100) : "n/a";
    }

    private static void atRest(StringBuilder out, AtRest atRest) {
        out.append(f(
                "**PostgreSQL at rest**, Silo stopped, no client, %,d databases: PostgreSQL's CPU (the postmaster and "
                        + "every process it started, autovacuum's workers among them) as a share of one core, in the order "
                        + "measured (the first window still vacuums what the load wrote): %s.%n%n",
                atRest.databases(),
                atRest.measures().stream()
                        .map(measure -> f(
                                "%.1f %% with `autovacuum_naptime` %d s%s",
                                measure.coreShare() * 100,
                                measure.naptime().toSeconds(),
                                measure.naptime().equals(AtRest.DEFAULT) ? " (PostgreSQL's default)" : " (Silo's)"))
                        .collect(Collectors.joining(", "))));
    }

    private static void setup(StringBuilder out, RunResult run) {
        out.append("**Setup**: ")
                .append(run.setupSeconds().entrySet().stream()
                        .map(entry -> entry.getKey() + " " + duration(entry.getValue()))
                        .collect(Collectors.joining("; ")))
                .append(".\n\n");
    }

    private static void profile(StringBuilder out, HotSpots profile) {
        out.append(f(
                "**Profile** of Silo under the routed-read load (JFR, %,d execution samples): where the CPU samples were.%n%n",
                profile.samples()));
        out.append(
                "| on top of the stack (self) | share | package (self) | share | Silo method on the stack (inclusive) | share |\n");
        out.append("|---|---|---|---|---|---|\n");
        int rows = Math.max(
                profile.self().size(),
                Math.max(profile.packages().size(), profile.siloInclusive().size()));
        for (int i = 0; i < rows; i++) {
            out.append("| ")
                    .append(share(profile.self(), i))
                    .append(" | ")
                    .append(share(profile.packages(), i))
                    .append(" | ")
                    .append(share(profile.siloInclusive(), i))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private static String share(List<HotSpots.Share> shares, int index) {
        if (index >= shares.size()) {
            return " | ";
        }
        HotSpots.Share share = shares.get(index);
        return "`" + share.name().replace("|", "\\|") + "` | " + f("%.1f %%", share.share() * 100);
    }

    private static void row(StringBuilder out, String bar, String measured, boolean met) {
        out.append("| ")
                .append(bar)
                .append(" | ")
                .append(measured)
                .append(" | ")
                .append(met ? "yes" : "**no**")
                .append(" |\n");
    }

    private static String errors(LoadResult load) {
        if (load.failed() == 0) {
            return "0";
        }
        String byStatus = load.failures().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(entry -> (entry.getKey() < 0 ? "no answer" : entry.getKey().toString()) + ": " + entry.getValue())
                .collect(Collectors.joining(", "));
        return f("%.2f %% (%s)", load.failureRate() * 100, byStatus);
    }

    private static String cpu(Optional<CpuSplit> split) {
        return split.map(cpu -> f(
                        "%s · %s · %s · %s · %s",
                        percent(cpu.silo()),
                        cpu.postgres().map(Markdown::percent).orElse("n/a"),
                        percent(cpu.generator()),
                        percent(cpu.other()),
                        percent(cpu.idle())))
                .orElse("n/a");
    }

    private static String count(Optional<Long> value) {
        return value.map(Object::toString).orElse("n/a");
    }

    static String percent(double share) {
        return f("%.0f %%", share * 100);
    }

    static String rate(double perSecond) {
        return f("%,.0f", perSecond);
    }

    static String ms(double millis) {
        return millis >= 100 ? f("%.0f", millis) : millis >= 10 ? f("%.1f", millis) : f("%.2f", millis);
    }

    static String bytes(long bytes) {
        return bytes >= 1L << 30
                ? f("%.1f GiB", bytes / (double) (1L << 30))
                : f("%.0f MiB", bytes / (double) (1L << 20));
    }

    static String duration(double seconds) {
        return seconds >= 120 ? f("%.1f min", seconds / 60) : f("%.1f s", seconds);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
