package io.silo.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesAreWithinTwoPercentOfTheRecordedValues() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int micros = 1; micros <= 100_000; micros++) {
            histogram.record(micros * 1_000L);
        }

        assertThat(histogram.count()).isEqualTo(100_000);
        assertThat(histogram.percentileMillis(50)).isCloseTo(50.0, within(1.0));
        assertThat(histogram.percentileMillis(99)).isCloseTo(99.0, within(2.0));
        assertThat(histogram.percentileMillis(100)).isEqualTo(100.0);
        assertThat(histogram.meanMillis()).isCloseTo(50.0, within(0.01));
    }

    @Test
    void addedHistogramsCountAsOne() {
        LatencyHistogram fast = new LatencyHistogram();
        LatencyHistogram slow = new LatencyHistogram();
        for (int i = 0; i < 99; i++) {
            fast.record(100_000); // 0.1 ms
        }
        slow.record(50_000_000); // 50 ms

        fast.add(slow);

        assertThat(fast.count()).isEqualTo(100);
        assertThat(fast.percentileMillis(99)).isCloseTo(0.1, within(0.002));
        assertThat(fast.percentileMillis(99.9)).isEqualTo(50.0);
        assertThat(fast.maxMillis()).isEqualTo(50.0);
    }

    @Test
    void bucketsCoverEveryValueInOrder() {
        int previous = -1;
        for (long micros = 0; micros < 10_000_000; micros = micros < 1000 ? micros + 1 : micros * 101 / 100) {
            int index = LatencyHistogram.index(micros);
            assertThat(index).isGreaterThanOrEqualTo(previous);
            assertThat(LatencyHistogram.middle(index))
                    .isCloseTo((double) micros, within(Math.max(1.0, micros * 0.016)));
            previous = index;
        }
    }
}
