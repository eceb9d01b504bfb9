package io.silo.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfTest {

    @Test
    void hotRanksAreDrawnInProportionToOneOverRank() {
        Zipf zipf = new Zipf(1000, 1.0);
        SplittableRandom random = new SplittableRandom(1);
        int[] counts = new int[1000];
        for (int i = 0; i < 200_000; i++) {
            counts[zipf.next(random)]++;
        }

        assertThat(counts[0] / (double) counts[1]).isBetween(1.9, 2.1);
        assertThat(counts[0] / 200_000.0).isCloseTo(zipf.probability(0), org.assertj.core.data.Offset.offset(0.005));
        assertThat(counts[999]).isPositive();
    }

    @Test
    void theHeadCoveringHalfTheDrawsIsSmallAndExponentZeroIsUniform() {
        assertThat(new Zipf(1000, 1.0).headCovering(0.5)).isBetween(20, 30);
        assertThat(new Zipf(1000, 0.0).headCovering(0.5)).isEqualTo(500);
    }
}
