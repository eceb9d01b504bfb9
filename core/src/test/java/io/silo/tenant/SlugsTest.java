package io.silo.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlugsTest {
    @Test
    void aSlugOfSilosOwnMakingStaysValidWhateverTheSlugItComesFrom() {
        String longest = "a".repeat(40) + "-" + "b".repeat(22);
        assertThat(longest).hasSize(63);

        String start = Slugs.withSuffix(longest, "-restoring-", 13);
        String made = start + Long.toString(Long.MAX_VALUE, 36);

        assertThat(made).hasSizeLessThanOrEqualTo(63);
        assertThat(Slugs.check(made)).isEqualTo(made);
        assertThat(start).startsWith("a".repeat(39)).doesNotContain("--");
    }

    @Test
    void aShortSlugIsKeptWhole() {
        assertThat(Slugs.withSuffix("techland", "-replaced-", 13)).isEqualTo("techland-replaced-");
    }
}
