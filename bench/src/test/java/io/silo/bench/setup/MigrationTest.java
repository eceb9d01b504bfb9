package io.silo.bench.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.template.TemplateCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationTest {
    @Test
    void everyFolderTheRoundsDeployIsOneSiloStartsWith(@TempDir Path services) {
        // the folders the benchmark deploys version after version, each read as Silo reads services.dir
        List<String> released = new ArrayList<>(Migration.shipped("billing"));
        int shipped = Migration.load("billing", released.getLast()).version();
        assertThat(released).hasSize(shipped); // every shipped version is kept in history/
        for (int round = 1; round <= Migration.MAX_ROUNDS; round++) {
            for (String field : Migration.fieldsOfRound(round)) {
                String text = Migration.nextVersion(released.getLast(), "invoices", field);
                Migration.deploy(services, "billing", released, text);

                TemplateCatalog catalog = TemplateCatalog.load(Optional.of(services));
                int newest = catalog.require("billing").version();
                assertThat(newest).isEqualTo(released.size() + 1);
                // every version a database has been at is served, the one the control plane still records too
                assertThat(catalog.earlierVersions("billing"))
                        .containsExactlyElementsOf(
                                IntStream.range(1, newest).boxed().toList());
                released.add(text);
            }
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
    void theBarReadsTheMediansOfTheRounds() {
        // ratios 0.5, 2.0 and 1.0; a stalled round (the first) moves a median less than a pooled rate
        Migration.Result result = new Migration.Result(List.of(
                new Migration.Round(direct(100, 2), rollout(100, 4, Optional.of(new Migration.Fence(30, "a"))), false),
                new Migration.Round(direct(100, 8), rollout(100, 4, Optional.of(new Migration.Fence(70, "b"))), true),
                new Migration.Round(direct(100, 2.5), rollout(100, 2.5, Optional.empty()), false)));

        assertThat(result.rounds()).extracting(Migration.Round::ratio).containsExactly(0.5, 2.0, 1.0);
        assertThat(result.ratio()).isEqualTo(1.0);
        assertThat(result.rolloutPerSecond()).isEqualTo(25.0);
        assertThat(result.directPerSecond()).isEqualTo(40.0);
        assertThat(result.longestFence()).contains(new Migration.Fence(70, "b"));
        assertThat(result.databases()).isEqualTo(100);
        assertThatThrownBy(() -> new Migration.Result(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Migration.Result.median(DoubleStream.of(4, 1, 3, 2))).isEqualTo(2.5);
        assertThat(Migration.Result.median(DoubleStream.of(7))).isEqualTo(7);
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
