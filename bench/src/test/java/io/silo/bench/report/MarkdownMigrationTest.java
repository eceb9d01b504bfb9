package io.silo.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.bench.setup.Migration;
import io.silo.bench.setup.Timings;
import io.silo.bench.system.IoPressure;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class MarkdownMigrationTest {
    @Test
    void eachRoundsRowsComeInTheOrderTheyRanAndTheBarReadsTheMedians() {
        Migration.Round first =
                new Migration.Round(direct("billing v2 → v3", 100, 2), rollout("billing v3 → v4", 4), false);
        Migration.Round second =
                new Migration.Round(direct("billing v5 → v6", 100, 8), rollout("billing v4 → v5", 4), true);
        StringBuilder out = new StringBuilder();

        Markdown.migration(out, new Migration.Result(List.of(first, second)));

        String text = out.toString();
        List<String> rows = text.lines()
                .filter(line -> line.startsWith("| 1 ") || line.startsWith("| 2 "))
                .toList();
        assertThat(rows).hasSize(6);
        assertThat(rows.get(0)).startsWith("| 1 | SchemaApplier, directly").contains("billing v2 → v3", "| 50.0 |");
        assertThat(rows.get(1)).startsWith("| 1 | rollout job, canary").contains("quiet at once");
        assertThat(rows.get(2)).startsWith("| 1 | rollout job, all").contains("| 25.0 |", "| 30 % |");
        // the second round ran its rollout first
        assertThat(rows.get(3)).startsWith("| 2 | rollout job, canary").contains("billing v4 → v5");
        assertThat(rows.get(5)).startsWith("| 2 | SchemaApplier, directly").contains("| 12.5 |");
        // ratios 0.5 and 2.0: their median is 1.25; the rollout's rates 25 and 25, the baseline's 50 and 12.5
        assertThat(text)
                .contains("Odd rounds run the baseline first, even rounds the rollout")
                .contains("Rollout against direct: 1.25 × (the median of 2 rounds; each round's: 0.50, 2.00)")
                .contains("the rollout at 25.0 databases/s, the baseline at 31.3")
                .contains("Longest write fence: none");
    }

    @Test
    void oneRoundClaimsNoAlternation() {
        StringBuilder out = new StringBuilder();

        Markdown.migration(
                out,
                new Migration.Result(List.of(
                        new Migration.Round(direct("billing v2 → v3", 100, 2), rollout("billing v3 → v4", 4), false))));

        assertThat(out.toString())
                .contains("two ways in one round of this run")
                .doesNotContain("Odd rounds")
                .contains("Rollout against direct: 0.50 × (one round; each round's: 0.50)");
    }

    private static Migration.Figures direct(String change, int databases, double seconds) {
        return new Migration.Figures(
                change,
                2,
                Timings.ofNanos(Collections.nCopies(databases, 20_000_000L)),
                seconds,
                new Migration.Disk(Optional.empty(), OptionalDouble.of(0.1)));
    }

    private static Migration.Rollout rollout(String change, double seconds) {
        Migration.Disk disk = new Migration.Disk(
                Optional.of(new IoPressure.Settled(Duration.ofSeconds(5), 1, true, 0.01)), OptionalDouble.of(0.3));
        return new Migration.Rollout(change, 2, 10, 0.5, 100, seconds, Optional.empty(), OptionalDouble.of(0.2), disk);
    }
}
