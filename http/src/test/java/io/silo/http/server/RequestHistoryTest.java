package io.silo.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestHistoryTest {
    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private Instant now;

        HandClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void countsEachMinuteApartAndForgetsWhatIsOlderThanAnHour() {
        HandClock clock = new HandClock(Instant.parse("2026-12-07T09:00:30Z"));
        RequestHistory history = new RequestHistory(clock);
        history.record(200);
        history.record(404);
        history.record(503);
        clock.advance(Duration.ofMinutes(2));
        history.record(201);

        List<RequestHistory.Minute> hour = history.lastHour();
        assertThat(hour).hasSize(RequestHistory.MINUTES);
        assertThat(hour.getLast()).isEqualTo(new RequestHistory.Minute(Instant.parse("2026-12-07T09:02:00Z"), 1, 0, 0));
        assertThat(hour.get(RequestHistory.MINUTES - 2).requests()).isZero();
        assertThat(hour.get(RequestHistory.MINUTES - 3))
                .isEqualTo(new RequestHistory.Minute(Instant.parse("2026-12-07T09:00:00Z"), 3, 1, 1));

        // an hour on, the first minute's slot is taken over, not added to
        clock.advance(Duration.ofMinutes(58));
        history.record(500);
        hour = history.lastHour();
        assertThat(hour.getLast()).isEqualTo(new RequestHistory.Minute(Instant.parse("2026-12-07T10:00:00Z"), 1, 0, 1));
        assertThat(hour.stream().mapToLong(RequestHistory.Minute::requests).sum())
                .as("09:00 has left the hour; 09:02 and 10:00 remain")
                .isEqualTo(2);
    }
}
