package io.silo.app.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.crypto.SecretBox;
import io.silo.postgres.control.SigningKeyStore;
import io.silo.testing.SiloTest;
import io.silo.testing.TestClock;
import io.silo.testing.TestSilo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Regression (security review L6): a burst of tokens naming unknown key ids made every caller that had
 * passed the "not reloaded lately" check read the keys again, one after another under the lock.
 */
@SiloTest
class SigningKeysReloadTest {

    @Test
    void aBurstOfUnknownKeyIdsReloadsTheKeysOnce(TestSilo silo) throws Exception {
        TestClock clock = new TestClock();
        SecretBox box = SecretBox.of(
                Base64.getDecoder().decode(silo.config().masterKey().orElseThrow()));
        SigningKeys keys = new SigningKeys(
                new SigningKeyStore(silo.control(), box), clock, Duration.ofDays(7), Duration.ofMinutes(15));
        keys.current();
        clock.advance(Duration.ofMinutes(1));
        int before = keys.reloads();

        CountDownLatch start = new CountDownLatch(1);
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String kid = "unknown-" + i;
            callers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                keys.reloadIfUnknown(kid);
            }));
        }
        start.countDown();
        for (Thread caller : callers) {
            caller.join();
        }

        assertThat(keys.reloads() - before).isEqualTo(1);
        clock.advance(Duration.ofSeconds(6));
        keys.reloadIfUnknown("unknown-again");
        assertThat(keys.reloads() - before)
                .as("after the pause, an unknown id reloads again")
                .isEqualTo(2);
    }
}
