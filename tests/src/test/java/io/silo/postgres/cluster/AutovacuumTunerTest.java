package io.silo.postgres.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.cluster.Cluster;
import io.silo.config.SiloConfig.AutovacuumTuning;
import io.silo.crypto.SecretBox;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.testing.Eventually;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Silo keeps autovacuum's naptime scaled to a server's databases where it may, leaves it alone where
 * it may not or is told not to, and is never stopped by a role without the right.
 */
class AutovacuumTunerTest {
    private final Jdbc server = TestPostgres.primary().admin();

    @AfterEach
    void resetTheServer() {
        server.useHandle(handle -> {
            handle.execute("ALTER SYSTEM RESET autovacuum_naptime");
            handle.execute("SELECT pg_reload_conf()");
        });
    }

    @Test
    void theNaptimeIsHalfASecondPerDatabaseFromAMinuteToAnHour() {
        assertThat(AutovacuumTuner.naptimeFor(0)).isEqualTo(Duration.ofMinutes(1));
        assertThat(AutovacuumTuner.naptimeFor(120)).isEqualTo(Duration.ofMinutes(1));
        assertThat(AutovacuumTuner.naptimeFor(1_000)).isEqualTo(Duration.ofSeconds(500));
        assertThat(AutovacuumTuner.naptimeFor(2_000)).isEqualTo(Duration.ofSeconds(1_000));
        assertThat(AutovacuumTuner.naptimeFor(100_000)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aServerItMayTuneGetsTheScaledNaptimeOnceAndIsThenLeftAsItIs() {
        try (TestSilo silo = TestSilo.start(1, Map.of());
                ClusterAdmins admins = new ClusterAdmins(clusters(silo), Duration.ofMinutes(1))) {
            setNaptime(3600);
            AutovacuumTuner tuner = new AutovacuumTuner(clusters(silo), admins, AutovacuumTuning.ALL, false);

            assertThat(tuner.tune()).isEqualTo(1);
            int databases = admins.of("primary").databaseCount();
            assertThat(awaitNaptimeOtherThan(3600))
                    .isCloseTo((int) AutovacuumTuner.naptimeFor(databases).toSeconds(), withinATenth(databases));
            assertThat(tuner.tune()).isZero();
        }
    }

    @Test
    void anExternalServerIsLeftAloneUnlessAllAreTunedAndNothingIsTunedWhenOff() {
        try (TestSilo silo = TestSilo.start(1, Map.of());
                ClusterAdmins admins = new ClusterAdmins(clusters(silo), Duration.ofMinutes(1))) {
            setNaptime(3600);

            // the test server is the primary cluster but not Silo's embedded one
            assertThat(new AutovacuumTuner(clusters(silo), admins, AutovacuumTuning.EMBEDDED, false).tune())
                    .isZero();
            assertThat(new AutovacuumTuner(clusters(silo), admins, AutovacuumTuning.OFF, true).tune())
                    .isZero();
            assertThat(naptime()).isEqualTo(3600);
            assertThat(new AutovacuumTuner(clusters(silo), admins, AutovacuumTuning.EMBEDDED, true).tune())
                    .isEqualTo(1);
            assertThat(awaitNaptimeOtherThan(3600)).isLessThan(3600);
        }
    }

    @Test
    void aRoleThatMayNotAlterTheSystemIsLeftAloneWithoutFailing() {
        try (TestSilo silo = TestSilo.start(1, Map.of()); // resets the server: the role comes after
                ClusterAdmins admins = new ClusterAdmins(clusters(silo), Duration.ofMinutes(1))) {
            String role = "silo_no_alter_" + System.nanoTime();
            server.useHandle(handle -> {
                handle.execute("CREATE ROLE " + role + " LOGIN CREATEDB CREATEROLE PASSWORD 'pw-" + role + "'");
                handle.execute("GRANT CONNECT ON DATABASE postgres TO " + role);
            });
            setNaptime(3600);
            AutovacuumTuner tuner = new AutovacuumTuner(clusters(silo), admins, AutovacuumTuning.ALL, false);
            try (ClusterAdmin limited = new ClusterAdmin(
                    new Cluster(
                            "limited",
                            TestPostgres.primary().url("postgres"),
                            role,
                            "pw-" + role,
                            Map.of(),
                            10,
                            10,
                            false,
                            "active"),
                    Duration.ofMinutes(1))) {

                assertThat(tuner.tune(limited)).isFalse();
                assertThat(naptime()).isEqualTo(3600);
            } finally {
                server.useHandle(handle -> {
                    handle.execute("REVOKE CONNECT ON DATABASE postgres FROM " + role);
                    handle.execute("DROP ROLE " + role);
                });
            }
        }
    }

    private static ClusterStore clusters(TestSilo silo) {
        byte[] key = Base64.getDecoder().decode(silo.config().masterKey().orElseThrow());
        return new ClusterStore(silo.control(), SecretBox.of(key));
    }

    /** Sets the server's naptime and waits until new sessions see it: a reload only signals the postmaster. */
    private void setNaptime(int seconds) {
        server.useHandle(handle -> {
            handle.execute("ALTER SYSTEM SET autovacuum_naptime = '" + seconds + "s'");
            handle.execute("SELECT pg_reload_conf()");
        });
        Eventually.until("the naptime is " + seconds + " s", () -> naptime() == seconds);
    }

    /** The naptime in force once it is no longer {@code seconds}. */
    private int awaitNaptimeOtherThan(int seconds) {
        return Eventually.get(Duration.ofSeconds(10), this::naptime, naptime -> naptime != seconds);
    }

    private int naptime() {
        return server.queryOne(
                        "SELECT setting::int FROM pg_settings WHERE name = 'autovacuum_naptime'", row -> row.getInt(1))
                .orElseThrow();
    }

    private static Offset<Integer> withinATenth(int databases) {
        return Offset.offset((int) (AutovacuumTuner.naptimeFor(databases).toSeconds() / 10));
    }
}
