package io.silo.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.config.ConfigException;
import io.silo.http.Silo;
import io.silo.testing.Eventually;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS served by Silo itself (issue 15, M3 of the security review): from PEM files or a PKCS#12
 * keystore, a renewed certificate served without a restart, {@code Strict-Transport-Security} on every
 * answer, and a certificate that cannot serve stopping start-up with a line that says why. The
 * certificates are made here with the JDK's keytool.
 */
class TlsTest {
    private static final String PASSWORD = "keystore-password-of-the-test";

    @TempDir
    static Path dir;

    private static Path first;
    private static Path second;

    @BeforeAll
    static void certificates() {
        first = keystore("first");
        second = keystore("second");
    }

    @Test
    void pemFilesAreServedAndARenewedCertificateReplacesThemWithoutARestart() throws IOException {
        Path chain = dir.resolve("chain.pem");
        Path key = dir.resolve("key.pem");
        writePem(first, chain, key);
        try (TestSilo silo = TestSilo.start(
                1,
                Map.of(
                        "SILO_HTTP_TLS_CERTIFICATE", chain.toString(),
                        "SILO_HTTP_TLS_PRIVATE_KEY", key.toString(),
                        "SILO_HTTP_TLS_RELOAD_INTERVAL", "200ms"))) {
            assertThat(silo.uri().getScheme()).isEqualTo("https");
            HttpResponse<String> health = get(silo.uri().resolve("/api/health"));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(servedTo(health)).isEqualTo("CN=first");
            for (HttpResponse<String> answer : List.of(health, get(silo.uri().resolve("/api/no-such-route")))) {
                assertThat(answer.headers().firstValue("Strict-Transport-Security"))
                        .as(answer.uri().toString())
                        .contains("max-age=31536000");
            }
            assertThat(plainHttp(silo.silo().port()))
                    .as("the port speaks TLS only")
                    .isNotEqualTo(200);

            // as a certificate manager renews: the new key first, then its certificate, each moved into place
            long replaced = System.nanoTime();
            writePem(second, chain, key);
            String served = Eventually.get(
                    Duration.ofSeconds(10),
                    () -> servedTo(get(silo.uri().resolve("/api/health"))),
                    "CN=second"::equals);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - replaced);
            assertThat(served).isEqualTo("CN=second");
            System.out.println("TlsTest: the renewed certificate was served " + millis
                    + " ms after its files were replaced (reload interval 200 ms), same port, no restart");

            Files.writeString(key, "not a key");
            Files.writeString(chain, "not a certificate");
            sleep(600);
            assertThat(servedTo(get(silo.uri().resolve("/api/health"))))
                    .as("files that cannot serve leave the certificate served so far")
                    .isEqualTo("CN=second");
        }
    }

    @Test
    void aPkcs12KeystoreIsServed() {
        try (TestSilo silo = TestSilo.start(
                1, Map.of("SILO_HTTP_TLS_KEYSTORE", first.toString(), "SILO_HTTP_TLS_KEYSTORE_PASSWORD", PASSWORD))) {
            HttpResponse<String> health = get(silo.uri().resolve("/api/health"));

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(servedTo(health)).isEqualTo("CN=first");
            assertThat(health.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000");
        }
    }

    @Test
    void aCertificateThatCannotServeStopsStartUpSayingWhy() throws IOException {
        Path chain = dir.resolve("bad-chain.pem");
        Path key = dir.resolve("bad-key.pem");
        Path otherKey = dir.resolve("other-key.pem");
        writePem(first, chain, key);
        writePem(second, dir.resolve("other-chain.pem"), otherKey);

        assertThatThrownBy(() -> start(Map.of(
                        "SILO_HTTP_TLS_CERTIFICATE",
                        chain.toString(),
                        "SILO_HTTP_TLS_PRIVATE_KEY",
                        otherKey.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not the key of the certificate CN=first");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> start(Map.of(
                        "SILO_HTTP_TLS_CERTIFICATE", chain.toString(), "SILO_HTTP_TLS_PRIVATE_KEY", key.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.tls.certificate or http.tls.privateKey")
                .hasMessageContaining(key.toString());
        assertThatThrownBy(() -> start(Map.of(
                        "SILO_HTTP_TLS_CERTIFICATE",
                        dir.resolve("missing.pem").toString(),
                        "SILO_HTTP_TLS_PRIVATE_KEY",
                        key.toString())))
                .hasMessageContaining("invalid http.tls.certificate = " + dir.resolve("missing.pem"))
                .hasMessageContaining("no readable file there");
        assertThatThrownBy(() -> start(Map.of(
                        "SILO_HTTP_TLS_KEYSTORE",
                        first.toString(),
                        "SILO_HTTP_TLS_KEYSTORE_PASSWORD",
                        "not-the-password")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid http.tls.keystore = " + first)
                .message()
                .doesNotContain("not-the-password");
    }

    /** Starts a Silo that must fail before anything starts: the certificate is read first. */
    private static void start(Map<String, String> overrides) {
        Silo.start(TestSilo.config(1, overrides)).close();
    }

    /** A PKCS#12 keystore with an EC key and a certificate for localhost, made by the JDK's keytool. */
    private static Path keystore(String name) {
        Path file = dir.resolve(name + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        try {
            Process process = new ProcessBuilder(
                            keytool.toString(),
                            "-genkeypair",
                            "-keyalg",
                            "EC",
                            "-groupname",
                            "secp256r1",
                            "-alias",
                            "silo",
                            "-dname",
                            "CN=" + name,
                            "-ext",
                            "SAN=dns:localhost,ip:127.0.0.1",
                            "-validity",
                            "2",
                            "-storetype",
                            "PKCS12",
                            "-keystore",
                            file.toString(),
                            "-storepass",
                            PASSWORD,
                            "-keypass",
                            PASSWORD)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The keystore's certificate and key as PEM files, each written aside and moved into place. */
    private static void writePem(Path keystore, Path chain, Path key) throws IOException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            replace(
                    key,
                    pem(
                            "PRIVATE KEY",
                            store.getKey("silo", PASSWORD.toCharArray()).getEncoded()));
            replace(chain, pem("CERTIFICATE", store.getCertificate("silo").getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void replace(Path file, String content) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(aside, content);
        Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** A GET over a new connection from a client that trusts both test certificates. */
    private static HttpResponse<String> get(URI uri) {
        try (HttpClient client = HttpClient.newBuilder()
                .sslContext(trusting(first, second))
                .connectTimeout(Duration.ofSeconds(5))
                .build()) {
            return client.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int plainHttp(int port) {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/health"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext trusting(Path... keystores) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (Path keystore : keystores) {
                try (InputStream in = Files.newInputStream(keystore)) {
                    KeyStore store = KeyStore.getInstance("PKCS12");
                    store.load(in, PASSWORD.toCharArray());
                    trusted.setCertificateEntry(keystore.getFileName().toString(), store.getCertificate("silo"));
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String servedTo(HttpResponse<String> response) {
        try {
            X509Certificate served =
                    (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
            return served.getSubjectX500Principal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
