package io.silo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiloConfigTest {

    @Test
    void defaultsNeedNoFileAndNoEnvironment() {
        SiloConfig config = SiloConfig.from(ConfigSource.ofEnv(Map.of()));

        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("data"));
        assertThat(config.database()).isEmpty();
        assertThat(config.tokens().accessTtl()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void corsOriginsAreExactOriginsOrOneStar() {
        assertThat(SiloConfig.from(ConfigSource.ofEnv(Map.of())).http().corsOrigins())
                .as("no browser origin unless allowed")
                .isEmpty();
        assertThat(SiloConfig.from(ConfigSource.ofEnv(
                                Map.of("SILO_HTTP_CORS_ORIGINS", " https://app.example.com , http://localhost:3000")))
                        .http()
                        .corsOrigins())
                .containsExactly("https://app.example.com", "http://localhost:3000");
        for (String wrong :
                List.of("https://app.example.com/", "app.example.com", "ftp://x.example", "*, https://a.example")) {
            assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_HTTP_CORS_ORIGINS", wrong))))
                    .as(wrong)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("http.corsOrigins");
        }
    }

    @Test
    void contractEnvironmentVariablesOverrideTheFile(@TempDir Path dir) throws IOException {
        Path file = write(dir, """
                http:
                  port: 9000
                data:
                  dir: /var/silo
                """);
        Map<String, String> env = Map.of(
                "SILO_HTTP_PORT", "9100",
                "SILO_DATABASE_URL", "jdbc:postgresql://db:5432/silo",
                "SILO_DATABASE_USER", "silo",
                "SILO_DATABASE_PASSWORD", "secret",
                "SILO_ADMIN_EMAIL", "ops@example.com",
                "SILO_ADMIN_PASSWORD", "very-long-password",
                "SILO_MASTER_KEY", "a2V5");

        SiloConfig config = SiloConfig.from(ConfigSource.load(Optional.of(file), env));

        assertThat(config.http().port()).isEqualTo(9100);
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/silo"));
        assertThat(config.database()).hasValueSatisfying(db -> {
            assertThat(db.url()).isEqualTo("jdbc:postgresql://db:5432/silo");
            assertThat(db.user()).isEqualTo("silo");
            assertThat(db.password()).isEqualTo("secret");
        });
        assertThat(config.admin().email()).isEqualTo("ops@example.com");
        assertThat(config.admin().password()).contains("very-long-password");
        assertThat(config.masterKey()).contains("a2V5");
    }

    @Test
    void badValueNamesKeyOriginAndValue() {
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_HTTP_PORT", "eighty"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "invalid http.port = 'eighty' (from SILO_HTTP_PORT): expected a whole number from 0 to 65535");
    }

    @Test
    void scheduledBackupsNeedADirectoryAndAKeyAndKeepSevenByDefault() {
        SiloConfig.Backups none = SiloConfig.from(ConfigSource.ofEnv(Map.of())).backups();
        assertThat(none.configured()).isFalse();
        assertThat(none.every()).isEmpty();
        assertThat(none.keep()).isEqualTo(7);

        SiloConfig.Backups set = SiloConfig.from(ConfigSource.ofEnv(Map.of(
                        "SILO_BACKUPS_DIR", "/var/backups/silo",
                        "SILO_BACKUPS_KEY_FILE", "/etc/silo/backup.key",
                        "SILO_BACKUPS_EVERY", "6h",
                        "SILO_BACKUPS_KEEP", "3")))
                .backups();
        assertThat(set.configured()).isTrue();
        assertThat(set.every()).contains(java.time.Duration.ofHours(6));
        assertThat(set.keep()).isEqualTo(3);

        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_BACKUPS_EVERY", "1d"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("backups.every needs backups.dir and backups.keyFile");
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(
                        Map.of("SILO_BACKUPS_DIR", "/b", "SILO_BACKUPS_KEY_FILE", "/k", "SILO_BACKUPS_EVERY", "10s"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("backups.every");
    }

    @Test
    void theMoveSyncTimeoutIsTenMinutesUnlessSetAndAtLeastASecond() {
        assertThat(SiloConfig.from(ConfigSource.ofEnv(Map.of())).moveSyncTimeout())
                .isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_MOVES_SYNC_TIMEOUT", "30m")))
                        .moveSyncTimeout())
                .isEqualTo(java.time.Duration.ofMinutes(30));
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_MOVES_SYNC_TIMEOUT", "0s"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("moves.syncTimeout");
    }

    @Test
    void unknownKeyInFileIsAnError(@TempDir Path dir) throws IOException {
        Path file = write(dir, """
                http:
                  prot: 9000
                """);

        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.load(Optional.of(file), Map.of())))
                .hasMessageContaining("unknown configuration key http.prot");
    }

    @Test
    void fileValuesMayReferToTheEnvironment(@TempDir Path dir) throws IOException {
        Path file = write(dir, """
                clusters:
                  - id: eu-1
                    url: jdbc:postgresql://eu1:5432/postgres
                    user: silo
                    password: ${EU1_PASSWORD}
                    labels: {region: eu}
                """);

        SiloConfig config = SiloConfig.from(ConfigSource.load(Optional.of(file), Map.of("EU1_PASSWORD", "s3cret")));

        assertThat(config.clusters()).singleElement().satisfies(cluster -> {
            assertThat(cluster.password()).isEqualTo("s3cret");
            assertThat(cluster.labels()).containsEntry("region", "eu");
            assertThat(cluster.connectionBudget()).isEqualTo(config.pools().defaultBudget());
        });
    }

    @Test
    void missingEnvironmentReferenceIsAnError(@TempDir Path dir) throws IOException {
        Path file = write(dir, """
                admin:
                  password: ${NOT_SET_ANYWHERE}
                """);

        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.load(Optional.of(file), Map.of())))
                .hasMessageContaining("admin.password")
                .hasMessageContaining("NOT_SET_ANYWHERE");
    }

    @Test
    void databaseUrlMustBeJdbc() {
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_DATABASE_URL", "postgres://db/silo"))))
                .hasMessageContaining("invalid database.url (SILO_DATABASE_URL)")
                .as("a URL may carry a password: it is not echoed")
                .hasMessageNotContaining("postgres://db/silo");
    }

    @Test
    void choicesAreNamedInLowerCaseAndAWrongOneListsThem() {
        assertThat(SiloConfig.from(ConfigSource.ofEnv(Map.of())).autovacuumTuning())
                .isEqualTo(SiloConfig.AutovacuumTuning.EMBEDDED);
        assertThat(SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_AUTOVACUUM_TUNING", "ALL")))
                        .autovacuumTuning())
                .isEqualTo(SiloConfig.AutovacuumTuning.ALL);
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_AUTOVACUUM_TUNING", "some"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid autovacuum.tuning = 'some' (from SILO_AUTOVACUUM_TUNING): expected one of"
                        + " [embedded, all, off]");
    }

    @Test
    void durationsAcceptShortForms() {
        SiloConfig config = SiloConfig.from(
                ConfigSource.ofEnv(Map.of("SILO_TOKENS_ACCESS_TTL", "5m", "SILO_POOLS_IDLE_TIMEOUT", "PT30S")));

        assertThat(config.tokens().accessTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.pools().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void duplicateClusterIdsAreRejected(@TempDir Path dir) throws IOException {
        Path file = write(dir, """
                clusters:
                  - {id: a, url: "jdbc:postgresql://one/postgres"}
                  - {id: a, url: "jdbc:postgresql://two/postgres"}
                """);

        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.load(Optional.of(file), Map.of())))
                .hasMessageContaining("cluster id 'a' appears twice");
    }

    @Test
    void servicesDirectoryIsUnsetUnlessConfigured() {
        assertThat(SiloConfig.from(ConfigSource.ofEnv(Map.of())).servicesDir()).isEmpty();
        assertThat(SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_SERVICES_DIR", "/etc/silo/services/")))
                        .servicesDir())
                .contains(Path.of("/etc/silo/services"));
    }

    @Test
    void mailGoesToTheLocalMailboxUnlessAnSmtpHostIsSet() {
        assertThat(SiloConfig.from(ConfigSource.ofEnv(Map.of())).mail().smtp()).isEmpty();
        SiloConfig.Smtp smtp = SiloConfig.from(ConfigSource.ofEnv(Map.of(
                        "SILO_MAIL_SMTP_HOST",
                        "mail.example",
                        "SILO_MAIL_SMTP_USER",
                        "silo",
                        "SILO_MAIL_SMTP_PASSWORD",
                        "secret")))
                .mail()
                .smtp()
                .orElseThrow();
        assertThat(smtp.port()).isEqualTo(587);
        assertThat(smtp.starttls()).isTrue();
        assertThat(smtp.toString()).doesNotContain("secret");
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_MAIL_SMTP_USER", "silo"))))
                .hasMessageContaining("need mail.smtp.host");
    }

    @Test
    void signupCannotOfferCoreAndLoginLimitsHaveDefaults() {
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_SIGNUP_SERVICES", "billing, core"))))
                .hasMessageContaining("core");
        SiloConfig config = SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_SIGNUP_SERVICES", "billing, crm")));
        assertThat(config.signup().services()).containsExactly("billing", "crm");
        assertThat(config.signup().ttl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.login().lockThreshold()).isEqualTo(10);
        assertThat(config.login().failureWindow()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void zeroLeaseIsRefused() {
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_JOBS_LEASE", "0s"))))
                .hasMessageContaining("invalid jobs.lease = '0s'")
                .hasMessageContaining("from 1s to");
    }

    @Test
    void configurationNeverPrintsSecrets() {
        SiloConfig config = SiloConfig.from(ConfigSource.ofEnv(Map.of(
                "SILO_MASTER_KEY",
                "c2VjcmV0LWtleQ==",
                "SILO_ADMIN_PASSWORD",
                "admin-secret-pw",
                "SILO_DATABASE_URL",
                "jdbc:postgresql://db/silo?password=url-secret",
                "SILO_DATABASE_PASSWORD",
                "db-secret-pw")));

        assertThat(config.toString())
                .doesNotContain("c2VjcmV0LWtleQ==", "admin-secret-pw", "url-secret", "db-secret-pw");
    }

    @Test
    void trustedProxiesAreAddressesOrBlocksNeverNames() {
        assertThat(SiloConfig.from(ConfigSource.ofEnv(Map.of())).http().trustedProxies())
                .as("nobody's forwarding headers are trusted unless configured")
                .isEmpty();
        assertThat(SiloConfig.from(ConfigSource.ofEnv(
                                Map.of("SILO_HTTP_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8 ,2001:db8::/32,::1")))
                        .http()
                        .trustedProxies())
                .map(AddressRange::toString)
                .containsExactly("127.0.0.1/32", "10.0.0.0/8", "2001:db8:0:0:0:0:0:0/32", "0:0:0:0:0:0:0:1/128");
        for (String wrong :
                List.of("proxy.example.com", "10.0.0.0/33", "10.1", "256.0.0.1", "fe80::1%eth0", "::1/129")) {
            assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_HTTP_TRUSTED_PROXIES", wrong))))
                    .as(wrong)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("http.trustedProxies")
                    .hasMessageContaining(wrong);
        }
    }

    @Test
    void tlsIsPemFilesOrAKeystoreNotBoth() {
        SiloConfig pem = SiloConfig.from(ConfigSource.ofEnv(Map.of(
                "SILO_HTTP_TLS_CERTIFICATE", "/etc/silo/chain.pem", "SILO_HTTP_TLS_PRIVATE_KEY", "/etc/silo/key.pem")));
        assertThat(pem.http().tls())
                .contains(new SiloConfig.Tls.Pem(
                        Path.of("/etc/silo/chain.pem"), Path.of("/etc/silo/key.pem"), Duration.ofMinutes(1)));
        SiloConfig keystore = SiloConfig.from(ConfigSource.ofEnv(Map.of(
                "SILO_HTTP_TLS_KEYSTORE", "/etc/silo/silo.p12", "SILO_HTTP_TLS_KEYSTORE_PASSWORD", "keystore-secret")));
        assertThat(keystore.http().tls().orElseThrow()).isInstanceOf(SiloConfig.Tls.Keystore.class);
        assertThat(keystore.toString()).doesNotContain("keystore-secret");

        assertThatThrownBy(() ->
                        SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_HTTP_TLS_CERTIFICATE", "/etc/silo/chain.pem"))))
                .hasMessageContaining("http.tls.certificate and http.tls.privateKey go together");
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of(
                        "SILO_HTTP_TLS_KEYSTORE", "/a.p12",
                        "SILO_HTTP_TLS_CERTIFICATE", "/c.pem",
                        "SILO_HTTP_TLS_PRIVATE_KEY", "/k.pem"))))
                .hasMessageContaining("set one");
        assertThatThrownBy(() -> SiloConfig.from(
                        ConfigSource.ofEnv(Map.of("SILO_HTTP_TLS_KEYSTORE_PASSWORD", "keystore-secret"))))
                .hasMessageContaining("http.tls.keystorePassword is set but http.tls.keystore is not")
                .message()
                .doesNotContain("keystore-secret");
    }

    @Test
    void tlsProxiesAndTheMetricsTokenReadFromTheFileWithSecretsFromTheEnvironment(@TempDir Path dir)
            throws IOException {
        Path file = write(dir, """
                http:
                  trustedProxies: 10.0.0.0/8
                  forwardedHeader: forwarded
                  tls:
                    keystore: /etc/silo/silo.p12
                    keystorePassword: ${KEYSTORE_PASSWORD}
                    reloadInterval: 5m
                metrics:
                  token: ${SCRAPE_TOKEN}
                """);
        SiloConfig config = SiloConfig.from(ConfigSource.load(
                Optional.of(file), Map.of("KEYSTORE_PASSWORD", "from-env", "SCRAPE_TOKEN", "t".repeat(32))));

        assertThat(config.http().forwardedHeader()).isEqualTo(SiloConfig.ForwardedHeader.FORWARDED);
        assertThat(config.http().tls())
                .contains(
                        new SiloConfig.Tls.Keystore(Path.of("/etc/silo/silo.p12"), "from-env", Duration.ofMinutes(5)));
        assertThat(config.http().metricsToken()).contains("t".repeat(32));
    }

    @Test
    void theMetricsTokenIsLongAndNeverShown() {
        String token = "a".repeat(40);
        SiloConfig config = SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_METRICS_TOKEN", token)));

        assertThat(config.http().metricsToken()).contains(token);
        assertThat(config.toString()).doesNotContain(token);
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.ofEnv(Map.of("SILO_METRICS_TOKEN", "short-token"))))
                .hasMessageContaining("metrics.token")
                .hasMessageContaining("at least 32")
                .message()
                .doesNotContain("short-token");
    }

    @Test
    void everyKeyIsDocumented() throws IOException {
        ConfigSource source = ConfigSource.ofEnv(Map.of());
        SiloConfig.from(source);
        String docs = Files.readString(Path.of("../docs/configuration.md"));

        assertThat(source.keysRead()).allSatisfy(key -> {
            String documented = key.replaceAll("\\[\\d+]", "[]");
            assertThat(docs).as("docs/configuration.md documents " + documented).contains("`" + documented + "`");
        });
    }

    @Test
    void placementOfServicesComesFromTheFileWithItsLabels(@TempDir Path dir) throws IOException {
        Path file = write(dir, """
                placement:
                  services:
                    billing: {labels: {tier: billing}}
                    crm:
                      labels: {tier: crm, zone: c}
                """);

        SiloConfig config = SiloConfig.from(ConfigSource.load(Optional.of(file), Map.of()));

        assertThat(config.placement().serviceLabels())
                .containsEntry("billing", Map.of("tier", "billing"))
                .containsEntry("crm", Map.of("tier", "crm", "zone", "c"));
        assertThat(SiloConfig.from(ConfigSource.ofEnv(Map.of())).placement().serviceLabels())
                .isEmpty();
        Path empty = write(dir, """
                placement:
                  services:
                    billing: {labels: {}}
                """);
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.load(Optional.of(empty), Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("placement.services.billing.labels");
        Path typo = write(dir, """
                placement:
                  services:
                    billing: {label: {tier: billing}}
                """);
        assertThatThrownBy(() -> SiloConfig.from(ConfigSource.load(Optional.of(typo), Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("placement.services.billing");
    }

    private static Path write(Path dir, String yaml) throws IOException {
        Path file = dir.resolve("silo.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
