package io.silo.postgres.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.PostgresTest;
import io.silo.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What makes the control database unavailable to an instance, and what does not. */
@PostgresTest
class ControlAvailabilityTest {

    /**
     * Regression (a CI failure): a job worker interrupted while it waited for a control connection
     * opened the circuit, and every caller of the instance was refused for five seconds with "the
     * control database has not answered … Interrupted during connection acquisition".
     */
    @Test
    void aCallerInterruptedWhileWaitingForAConnectionLeavesTheControlDatabaseAvailable(TestDatabase database)
            throws Exception {
        try (ControlDatabase control = ControlDatabase.open(
                database.url(), database.server().user(), database.server().password(), 1)) {
            try (Connection held = control.dataSource().getConnection()) {
                interruptAWaitingCaller(control);
                assertThat(held.isValid(1)).isTrue();
            }
            try (Connection again = control.dataSource().getConnection()) {
                assertThat(again.isValid(1)).isTrue();
            }
        }
    }

    /** Asks for a connection in another thread, interrupts it while it waits, and checks what that left. */
    private static void interruptAWaitingCaller(ControlDatabase control) throws Exception {
        CompletableFuture<Throwable> waiter = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                control.dataSource().getConnection().close();
                waiter.complete(null);
            } catch (SQLException e) {
                waiter.complete(e);
            }
        });
        while (thread.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
        thread.interrupt();

        assertThat(waiter.get()).hasRootCauseInstanceOf(InterruptedException.class);
        assertThat(control.availability().isAvailable()).isTrue();
        assertThat(control.availability().unavailableSince()).isEmpty();
    }
}
