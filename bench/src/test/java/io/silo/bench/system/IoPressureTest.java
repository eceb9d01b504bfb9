package io.silo.bench.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IoPressureTest {
    @Test
    void theRunningTotalIsReadFromThePressureLine() {
        assertThat(IoPressure.total("some avg10=1.61 avg60=7.68 avg300=7.83 total=4113001939"))
                .contains(4_113_001_939L);
        assertThat(IoPressure.total("some avg10=1.61 avg60=7.68 avg300=7.83")).isEmpty();
    }

    @Test
    void aWindowIsAShareOfItsTimeAndSettlingEndsWithinItsLimit() throws InterruptedException {
        if (!Files.isReadable(Path.of("/proc/pressure/io"))) {
            assertThat(IoPressure.window()).isEmpty();
            assertThat(IoPressure.settle(0.05, Duration.ofMillis(100), Duration.ofSeconds(1)))
                    .isEmpty();
            return;
        }
        IoPressure.Window window = IoPressure.window().orElseThrow();
        Thread.sleep(200);
        assertThat(window.share()).isPresent();
        assertThat(window.share().getAsDouble()).isBetween(0.0, 1.0);

        // a share of 0 is never below the bar: it waits its limit out and says the disk was not quiet
        IoPressure.Settled never = IoPressure.settle(0.0, Duration.ofMillis(100), Duration.ofMillis(300))
                .orElseThrow();
        assertThat(never.quiet()).isFalse();
        assertThat(never.waited()).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));

        // every share is below 1.01: the first span settles it
        IoPressure.Settled always = IoPressure.settle(1.01, Duration.ofMillis(100), Duration.ofSeconds(5))
                .orElseThrow();
        assertThat(always.quiet()).isTrue();
        assertThat(always.waited()).isLessThan(Duration.ofSeconds(5));
    }
}
