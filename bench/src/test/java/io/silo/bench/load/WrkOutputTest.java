package io.silo.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The figures of the HTTP-layer comparison come from wrk's text; they must be read right. */
class WrkOutputTest {
    private static final String RUN = """
            Running 20s test @ http://127.0.0.1:40000/api/data/billing/invoices/0190a4c2-7d3e-7b1a-9c4e-2f1d3b5a6c7e
              2 threads and 32 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     2.10ms    1.49ms  35.01ms   87.19%
                Req/Sec     8.13k   577.10    9.43k    72.50%
              Latency Distribution
                 50%    1.76ms
                 75%    2.44ms
                 90%    3.52ms
                 99%    7.18ms
              323565 requests in 20.00s, 166.92MB read
              Non-2xx or 3xx responses: 12
            Requests/sec:  16171.36
            Transfer/sec:      8.34MB
            """;

    @Test
    void readsThroughputCountLatencyAndErrors() {
        WrkOutput output = WrkOutput.parse(RUN);

        assertThat(output.requestsPerSecond()).isEqualTo(16171.36);
        assertThat(output.requests()).isEqualTo(323565);
        assertThat(output.p99Millis()).isEqualTo(7.18);
        assertThat(output.errors()).isEqualTo(12);
    }

    @Test
    void latenciesInMicrosecondsAndSecondsBecomeMilliseconds() {
        assertThat(WrkOutput.parse("     99%  850.00us\n").p99Millis()).isEqualTo(0.85);
        assertThat(WrkOutput.parse("     99%    1.20s\n").p99Millis()).isEqualTo(1200.0);
    }

    @Test
    void aFigureWrkDidNotPrintIsZeroOrNotANumber() {
        WrkOutput output = WrkOutput.parse("wrk: connection refused");

        assertThat(output.requests()).isZero();
        assertThat(output.errors()).isZero();
        assertThat(output.p99Millis()).isNaN();
    }
}
