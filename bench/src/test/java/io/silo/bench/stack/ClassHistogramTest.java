package io.silo.bench.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClassHistogramTest {

    private static final String BEFORE = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1000          48000  [B (java.base@25.0.3)
               2:           200           4800  java.lang.String (java.base@25.0.3)
               3:            10            640  com.zaxxer.hikari.pool.HikariPool
            Total          1210          53440
            """;

    private static final String AFTER = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1000          48000  [B (java.base@25.0.3)
               2:           300           7200  java.lang.String (java.base@25.0.3)
               3:            60           3840  com.zaxxer.hikari.pool.HikariPool
               4:             5            120  io.silo.New
            Total          1365          59160
            """;

    @Test
    void readsInstancesAndBytesByClassSkippingHeaderAndTotal() {
        ClassHistogram histogram = ClassHistogram.parse(BEFORE);

        assertThat(histogram.classes())
                .hasSize(3)
                .containsEntry("java.lang.String", new ClassHistogram.Count(200, 4800))
                .containsEntry("[B", new ClassHistogram.Count(1000, 48000));
        assertThat(histogram.totalBytes()).isEqualTo(53440);
    }

    @Test
    void listsWhatGrewMostFirstAndLeavesOutWhatDidNotGrow() {
        var grown = ClassHistogram.parse(BEFORE).grownInto(ClassHistogram.parse(AFTER), 2);

        assertThat(grown)
                .containsExactly(
                        new ClassHistogram.Growth("com.zaxxer.hikari.pool.HikariPool", 50, 3200),
                        new ClassHistogram.Growth("java.lang.String", 100, 2400));
    }
}
