package io.silo.http.server;

import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import io.silo.config.ConfigException;
import io.silo.config.SiloConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate HTTPS is served with ({@code http.tls.*}): read from its files, checked (a key that
 * is not the certificate's is refused at start-up, not at the first handshake), and read again when the
 * files change, so that a renewed certificate is served to new connections without a restart. A change
 * that cannot be read (a key written before its certificate, a typo) is logged and the certificate
 * served so far stays; the files are read again at their next change.
 *
 * <p>Thread-safe: one daemon thread looks at the files every {@code http.tls.reloadInterval}.
 */
final class Certificates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Certificates.class);

    private final SiloConfig.Tls config;
    private final Consumer<Tls> reload;
    private final ScheduledExecutorService watcher;
    /** A digest of the files last read, whether they could be used or not; touched by the watcher thread only. */
    private byte[] lastSeen;

    private Certificates(SiloConfig.Tls config, Consumer<Tls> reload) {
        this.config = config;
        this.reload = reload;
        this.lastSeen = digest(config);
        this.watcher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "silo-tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        long every = config.reloadInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    /** Looks at {@code config}'s files from now on, and hands {@code reload} each new certificate read from them. */
    static Certificates watch(SiloConfig.Tls config, Consumer<Tls> reload) {
        return new Certificates(config, reload);
    }

    /** The TLS of {@code config}'s files; a {@link ConfigException} naming the key and file when they cannot serve. */
    static Tls load(SiloConfig.Tls config) {
        Material material = switch (config) {
            case SiloConfig.Tls.Pem pem -> pem(pem);
            case SiloConfig.Tls.Keystore keystore -> keystore(keystore);
        };
        X509Certificate served = material.chain().getFirst();
        if (!keyMatches(material.key(), served)) {
            throw new ConfigException("invalid http.tls: the private key (" + String.join(", ", names(config))
                    + ") is not the key of the certificate "
                    + served.getSubjectX500Principal().getName());
        }
        Instant notAfter = served.getNotAfter().toInstant();
        if (notAfter.isBefore(Instant.now())) {
            log.warn("the HTTPS certificate {} expired at {}: clients will refuse it", subject(served), notAfter);
        }
        return Tls.builder()
                .privateKey(material.key())
                .privateKeyCertChain(material.chain())
                .build();
    }

    /** The certificate served, for the log: its subject and when it expires. */
    static String describe(Tls tls) {
        X509Certificate served = tls.prototype().privateKeyCertChain().getFirst();
        return subject(served) + ", valid until " + served.getNotAfter().toInstant();
    }

    private record Material(PrivateKey key, List<X509Certificate> chain) {}

    private static Material pem(SiloConfig.Tls.Pem pem) {
        readable("http.tls.certificate", pem.certificate());
        readable("http.tls.privateKey", pem.privateKey());
        Keys keys;
        try {
            keys = Keys.builder()
                    .pem(files ->
                            files.key(Resource.create(pem.privateKey())).certChain(Resource.create(pem.certificate())))
                    .build();
        } catch (RuntimeException e) {
            throw new ConfigException("invalid http.tls.certificate or http.tls.privateKey (" + pem.certificate()
                    + ", " + pem.privateKey() + "): " + firstLine(e) + "; expected PEM files, the certificate"
                    + " chain with the server's certificate first and its unencrypted private key");
        }
        PrivateKey key = keys.privateKey()
                .orElseThrow(() -> new ConfigException(
                        "invalid http.tls.privateKey = " + pem.privateKey() + ": no private key in it"));
        if (keys.certChain().isEmpty()) {
            throw new ConfigException("invalid http.tls.certificate = " + pem.certificate() + ": no certificate in it");
        }
        return new Material(key, keys.certChain());
    }

    private static Material keystore(SiloConfig.Tls.Keystore config) {
        readable("http.tls.keystore", config.keystore());
        try (InputStream in = Files.newInputStream(config.keystore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, config.password().toCharArray());
            List<String> keys = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keys.add(alias);
                }
            }
            if (keys.size() != 1) {
                throw new ConfigException("invalid http.tls.keystore = " + config.keystore() + ": expected one private"
                        + " key, found " + keys.size() + (keys.isEmpty() ? "" : " (" + String.join(", ", keys) + ")"));
            }
            PrivateKey key =
                    (PrivateKey) store.getKey(keys.getFirst(), config.password().toCharArray());
            Certificate[] chain = store.getCertificateChain(keys.getFirst());
            if (chain == null || chain.length == 0) {
                throw new ConfigException(
                        "invalid http.tls.keystore = " + config.keystore() + ": the key has no certificate");
            }
            return new Material(
                    key, Arrays.stream(chain).map(X509Certificate.class::cast).toList());
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            // a wrong password is an IOException whose cause is an UnrecoverableKeyException
            throw new ConfigException("invalid http.tls.keystore = " + config.keystore()
                    + " (with http.tls.keystorePassword, SILO_HTTP_TLS_KEYSTORE_PASSWORD): " + firstLine(e)
                    + "; expected a PKCS#12 file and its password");
        }
    }

    private static void readable(String key, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException("invalid " + key + " = " + file + ": no readable file there");
        }
    }

    /** Signs a few bytes with the key and checks them with the certificate: the handshake's own test, done at once. */
    private static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default ->
                throw new ConfigException("invalid http.tls: a private key of type " + key.getAlgorithm()
                        + " cannot serve HTTPS here; use RSA, EC or Ed25519");
        };
        try {
            byte[] probe = "silo".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(new java.security.spec.PSSParameterSpec(
                        "SHA-256", "MGF1", java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            signer.initVerify(certificate.getPublicKey());
            signer.update(probe);
            return signer.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private void check() {
        try {
            byte[] seen = digest(config);
            if (Arrays.equals(seen, lastSeen)) {
                return;
            }
            lastSeen = seen;
            Tls tls = load(config);
            reload.accept(tls);
            log.info("HTTPS certificate reloaded from {}: {}", String.join(", ", names(config)), describe(tls));
        } catch (RuntimeException e) {
            log.warn(
                    "the HTTPS certificate files changed but cannot be used ({}); still serving the one read before",
                    e.getMessage());
        }
    }

    /** A digest of the files' content, so that a change is seen whatever the file system says of times. */
    private static byte[] digest(SiloConfig.Tls config) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : config.files()) {
                digest.update(Files.isRegularFile(file) ? Files.readAllBytes(file) : new byte[0]);
                digest.update((byte) 0);
            }
            return digest.digest();
        } catch (IOException e) {
            return new byte[0]; // unreadable for now (being replaced): read again at the next look
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static List<String> names(SiloConfig.Tls config) {
        return config.files().stream().map(Path::toString).toList();
    }

    private static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    private static String firstLine(Exception e) {
        Throwable deepest = e;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String message = deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
