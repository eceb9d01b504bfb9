package io.silo.bench.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoakTest {

    @Test
    void theSlopeIsTheLeastSquaresOneInBytesPerMinute() {
        List<Soak.Sample> growing =
                List.of(new Soak.Sample(2, 1_000, 100), new Soak.Sample(3, 1_010, 100), new Soak.Sample(4, 1_020, 100));

        assertThat(Soak.slope(growing, Soak.Sample::residentBytes)).isCloseTo(10, within(1e-9));
        assertThat(Soak.slope(growing, Soak.Sample::heapAfterGcBytes)).isCloseTo(0, within(1e-9));
        assertThat(Soak.slope(growing.subList(0, 1), Soak.Sample::residentBytes))
                .isZero();
    }
}
