package io.silo.bench.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationTest {
    @Test
    void everyRoundsFolderIsOneSiloStartsWith(@TempDir Path services) {
        // the folders the benchmark deploys round after round, each read as Silo reads services.dir
        String current = Migration.shipped("billing");
        int shipped = Migration.load("billing", current).version();
        List<String> released = new ArrayList<>();
        for (int round = 1; round <= Migration.MAX_ROUNDS; round++) {
            List<String> fields = Migration.fieldsOfRound(round);
            String next = Migration.nextVersion(current, "invoices", fields.get(0));
            String after = Migration.nextVersion(next, "invoices", fields.get(1));
            released.add(next);
            Migration.deploy(services, "billing", released, after);

            TemplateCatalog catalog = TemplateCatalog.load(Optional.of(services));
            ServiceTemplate newest = catalog.require("billing");
            assertThat(newest.version()).isEqualTo(shipped + 2 * round);
            // the baseline's version, which the databases are at when the rollout starts, is served
            assertThat(catalog.at("billing", shipped + 2 * round - 1)).isPresent();
            assertThat(catalog.earlierVersions("billing")).contains(shipped + 1, shipped + 2 * round - 1);
            released.add(after);
            current = after;
        }
    }

    @Test
    void everyRoundIndexesTwoFieldsNoOtherRoundDoes() {
        List<String> fields = new ArrayList<>();
        for (int round = 1; round <= Migration.MAX_ROUNDS; round++) {
            assertThat(Migration.fieldsOfRound(round)).hasSize(2);
            fields.addAll(Migration.fieldsOfRound(round));
        }
        assertThat(fields).doesNotHaveDuplicates();
        assertThatThrownBy(() -> Migration.fieldsOfRound(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Migration.fieldsOfRound(Migration.MAX_ROUNDS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachWaysRateIsItsDatabasesOverItsTimeInEveryRound() {
        // round 1: direct 100 in 2 s, rollout 100 in 4 s; round 2: direct 100 in 8 s, rollout 100 in 4 s
        Migration.Result result = new Migration.Result(List.of(
                new Migration.Round(direct(100, 2), rollout(100, 4, Optional.of(new Migration.Fence(30, "a")))),
                new Migration.Round(direct(100, 8), rollout(100, 4, Optional.of(new Migration.Fence(70, "b"))))));

        assertThat(result.directPerSecond()).isCloseTo(20.0, within(1e-9));
        assertThat(result.rolloutPerSecond()).isCloseTo(25.0, within(1e-9));
        assertThat(result.ratio()).isCloseTo(1.25, within(1e-9));
        // not the mean of the rounds' ratios (0.5 and 2.0)
        assertThat(result.rounds().get(0).ratio()).isCloseTo(0.5, within(1e-9));
        assertThat(result.rounds().get(1).ratio()).isCloseTo(2.0, within(1e-9));
        assertThat(result.longestFence()).contains(new Migration.Fence(70, "b"));
        assertThat(result.databases()).isEqualTo(100);
        assertThatThrownBy(() -> new Migration.Result(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static Migration.Figures direct(int databases, double seconds) {
        Migration.Disk disk = new Migration.Disk(Optional.empty(), OptionalDouble.empty());
        return new Migration.Figures(
                "direct", 2, Timings.ofNanos(Collections.nCopies(databases, 1_000_000L)), seconds, disk);
    }

    private static Migration.Rollout rollout(int databases, double seconds, Optional<Migration.Fence> fence) {
        Migration.Disk disk = new Migration.Disk(Optional.empty(), OptionalDouble.empty());
        return new Migration.Rollout("rollout", 2, 10, 1, databases, seconds, fence, OptionalDouble.empty(), disk);
    }
}
