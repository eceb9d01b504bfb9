package io.silo.bench.system;

import static org.assertj.core.api.Assertions.assertThat;

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
    void microsecondsStalledAreAShareOfTheNanosecondsElapsed() {
        assertThat(IoPressure.share(500_000, 1_000_000_000)).isEqualTo(0.5);
        assertThat(IoPressure.share(0, 1_000_000_000)).isZero();
        // two tasks may wait at once; "some" never counts more than the time, but rounding may
        assertThat(IoPressure.share(1_000_001, 1_000_000_000)).isEqualTo(1.0);
        assertThat(IoPressure.share(10, 0)).isZero();
    }

    @Test
    void settlingSaysWhetherTheDiskWasQuiet() {
        if (IoPressure.window().isEmpty()) {
            assertThat(IoPressure.settle(0.05, Duration.ofMillis(100), Duration.ofSeconds(1)))
                    .isEmpty();
            return;
        }
        // no share is below 0: the limit runs out and the disk is not called quiet
        IoPressure.Settled never = IoPressure.settle(0.0, Duration.ofMillis(100), Duration.ofMillis(300))
                .orElseThrow();
        assertThat(never.quiet()).isFalse();
        assertThat(never.spans()).isGreaterThanOrEqualTo(3);
        // every share is below 1.01: the first span settles it
        IoPressure.Settled atOnce = IoPressure.settle(1.01, Duration.ofMillis(100), Duration.ofSeconds(5))
                .orElseThrow();
        assertThat(atOnce.quiet()).isTrue();
        assertThat(atOnce.spans()).isOne();
    }
}
