package io.silo.bench.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.bench.system.Machine;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupReportTest {
    private static final long MB = 1L << 20;

    private static BackupFigures figures(double siloBackupSeconds, double siloRestoreSeconds) {
        return new BackupFigures(
                Instant.parse("2026-12-07T04:00:00Z"),
                "abc1234567",
                new Machine(2, "AMD EPYC", 24L << 30, 3.5, "Linux"),
                "15.18",
                "bench-00000",
                List.of("core_bench_00000", "billing_bench_00000"),
                1_000_000,
                1024 * MB,
                List.of(
                        step("pg_dump -Fc", 40, Optional.empty(), 100 * MB, 1024 * MB, Optional.empty()),
                        step(
                                "silo backup",
                                siloBackupSeconds,
                                Optional.of(siloBackupSeconds - 4),
                                120 * MB,
                                1024 * MB,
                                Optional.empty()),
                        step(
                                "pg_restore (into new databases)",
                                80,
                                Optional.empty(),
                                100 * MB,
                                1000 * MB,
                                Optional.of(1_000_000L)),
                        step(
                                "silo restore --as",
                                siloRestoreSeconds,
                                Optional.of(siloRestoreSeconds - 4),
                                120 * MB,
                                1024 * MB,
                                Optional.of(1_000_000L))),
                List.of(),
                60,
                4.5);
    }

    private static BackupFigures.Step step(
            String tool, double seconds, Optional<Double> own, long archive, long databases, Optional<Long> documents) {
        return new BackupFigures.Step(
                tool, seconds, own, archive, databases, documents, 3.0, seconds / 2, Optional.of(seconds / 4));
    }

    @Test
    void eachStepIsARowWithItsRatesOverTheDatabasesAndTheArchive() {
        String section = BackupReport.section(figures(32, 160));

        assertThat(section).startsWith("### Backup and restore · 2026-12-07 04:00 UTC · 1024 MB · commit `abc1234567`");
        // 1024 MB in 32 s, 120 MB of archive in 32 s
        assertThat(section)
                .contains("| silo backup | 3.00 | 32.0 | 28.0 s | 16.0 · 8.0 | 1024.0 | 32.0 | 120.0 | 3.8 |  |");
        assertThat(section)
                .contains(
                        "| pg_restore (into new databases) | 3.00 | 80.0 |  | 40.0 · 20.0 | 1000.0 | 12.5 | 100.0 | 1.3 | 1,000,000 |");
        assertThat(section).contains("load average 3.50 when the run started, 4.50 when it ended");
    }

    @Test
    void theRatiosToPgDumpAndPgRestoreSayWhetherSiloIsNoSlower() {
        String section = BackupReport.section(figures(32, 160));

        assertThat(section).contains("- backup: Silo at 1.25 × the speed of pg_dump -Fc (32.0 s against 40.0 s)");
        assertThat(section).contains("no slower, target met");
        assertThat(section).contains("- restore: Silo at 0.50 × the speed of pg_restore (into new databases)");
        assertThat(section).contains("slower, target **not** met");
    }
}
