package io.silo.bench.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoakTest {

    @Test
    void readsTheHeapInUseFromGcHeapInfoOfG1AndZgc() {
        String printed = "26348:\ngarbage-first heap   total reserved 6172672K, committed 241664K, used 158286K"
                + " [0x0000000687400000, 0x0000000800000000)\n region size 4096K, 15 young (61440K)\n";

        assertThat(Soak.heapUsedBytes(printed)).contains(158286L * 1024);
        assertThat(Soak.heapUsedBytes(
                        "7812:\nZHeap            used 62M, capacity 378M, max capacity 6028M\n Cache 316M (1)\n"))
                .contains(62L << 20);
        assertThat(Soak.heapUsedBytes("no heap here")).isEmpty();
    }

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
