package io.silo.app.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.silo.crypto.Secrets;
import io.silo.error.SiloException;
import io.silo.postgres.control.SigningKeyStore;
import io.silo.postgres.control.SigningKeyStore.StoredKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ES256 keys that sign access tokens, kept in the control database so that every instance
 * signs and verifies with the same set. A key signs for one rotation period, then stays published
 * for one access-token lifetime more, so tokens it signed keep verifying after a rotation.
 *
 * <p>Thread-safe: readers see an immutable snapshot; rotation and reload take a lock.
 */
final class SigningKeys {
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final Duration RELOAD_AT_MOST_EVERY = Duration.ofSeconds(5);
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final SigningKeyStore store;
    private final Clock clock;
    private final Duration rotation;
    private final Duration accessTtl;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile List<StoredKey> keys = List.of();
    private volatile JWKSet publicSet = new JWKSet();
    private volatile Instant loadedAt = Instant.EPOCH;
    private final AtomicInteger reloads = new AtomicInteger();

    SigningKeys(SigningKeyStore store, Clock clock, Duration rotation, Duration accessTtl) {
        this.store = store;
        this.clock = clock;
        this.rotation = rotation;
        this.accessTtl = accessTtl;
    }

    /** The key to sign with now, creating one when none is current. */
    ECKey current() {
        Instant now = clock.instant();
        List<StoredKey> snapshot = keys;
        if (!snapshot.isEmpty() && snapshot.getFirst().retireAt().isAfter(now)) {
            return parse(snapshot.getFirst());
        }
        lock.lock();
        try {
            reload();
            if (keys.isEmpty() || !keys.getFirst().retireAt().isAfter(now)) {
                create(now);
                reload();
            }
            return parse(keys.getFirst());
        } finally {
            lock.unlock();
        }
    }

    /** Every published public key. */
    JWKSet publicSet() {
        if (keys.isEmpty()) {
            current();
        }
        return publicSet;
    }

    /** Re-reads the keys when a token names one we do not know: another instance may have made it. */
    void reloadIfUnknown(String kid) {
        if (kid == null || publicSet.getKeyByKeyId(kid) != null) {
            return;
        }
        if (loadedRecently()) {
            return;
        }
        lock.lock();
        try {
            // checked again under the lock: a burst of unknown kids waits here while one caller reloads, and
            // the others must then find the fresh load instead of each reading the control database in turn
            if (!loadedRecently() && publicSet.getKeyByKeyId(kid) == null) {
                reload();
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean loadedRecently() {
        return Duration.between(loadedAt, clock.instant()).compareTo(RELOAD_AT_MOST_EVERY) < 0;
    }

    /** How many times the keys were read from the control database; for tests of the reload's bound. */
    int reloads() {
        return reloads.get();
    }

    private void reload() {
        Instant now = clock.instant();
        List<StoredKey> loaded = store.published(now);
        List<JWK> publics =
                loaded.stream().map(key -> (JWK) parse(key).toPublicJWK()).toList();
        keys = loaded;
        publicSet = new JWKSet(publics);
        loadedAt = now;
        reloads.incrementAndGet();
    }

    private void create(Instant now) {
        String kid = now.toString().substring(0, 10) + "-" + Secrets.token(6);
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256)
                    .keyID(kid)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyUse(KeyUse.SIGNATURE)
                    .issueTime(Date.from(now))
                    .generate();
            Instant retire = now.plus(rotation);
            store.insert(new StoredKey(
                    kid,
                    "ES256",
                    key.toPublicJWK().toJSONString(),
                    key.toJSONString(),
                    now,
                    retire,
                    retire.plus(accessTtl).plus(CLOCK_SKEW)));
            log.info("created token signing key {} (signs until {})", kid, retire);
        } catch (JOSEException e) {
            throw SiloException.internal("cannot generate a token signing key", e);
        }
    }

    private static ECKey parse(StoredKey key) {
        try {
            return ECKey.parse(key.privateJwk());
        } catch (ParseException e) {
            throw SiloException.internal("stored signing key " + key.kid() + " is unreadable", e);
        }
    }
}
