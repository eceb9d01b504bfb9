package io.silo.bench.setup;

import io.silo.bench.stack.PostgresServer;
import io.silo.postgres.schema.SchemaApplier;
import io.silo.postgres.schema.SchemaChange;
import io.silo.template.CollectionSpec;
import io.silo.template.FieldPath;
import io.silo.template.ServiceTemplate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A migration across every tenant: the next version of a shipped template with one more index,
 * brought to each tenant database by {@link SchemaApplier} on an administrative connection, as a
 * rollout job would. Silo has no such job yet; this measures the work it would do.
 *
 * <p>Thread-safe: stateless.
 */
public final class Migration {
    private Migration() {}

    /** What migrating took: one duration per database. */
    public record Figures(String change, int concurrency, Timings perDatabase, double seconds) {
        public double databasesPerSecond() {
            return perDatabase.count() / seconds;
        }
    }

    /** {@code template} one version on, with an index on {@code field} of {@code collection}. */
    public static ServiceTemplate withIndex(ServiceTemplate template, String collection, String field) {
        CollectionSpec spec = template.collection(collection)
                .orElseThrow(() -> new IllegalArgumentException(
                        "service " + template.service() + " has no collection " + collection));
        List<CollectionSpec.IndexSpec> indexes = new ArrayList<>(spec.indexes());
        indexes.add(new CollectionSpec.IndexSpec(List.of(FieldPath.parse(field)), false));
        Map<String, CollectionSpec> collections = new LinkedHashMap<>(template.collections());
        collections.put(
                collection,
                new CollectionSpec(spec.name(), spec.schema(), indexes, spec.unique(), spec.privateFields()));
        List<io.silo.template.Migration> migrations = new ArrayList<>(template.migrations());
        int version = template.version() + 1;
        migrations.add(
                new io.silo.template.Migration(version, "benchmark: index " + collection + "." + field, List.of()));
        return new ServiceTemplate(
                template.service(),
                version,
                template.description(),
                template.databaseNamePattern(),
                template.roles(),
                template.adminRole(),
                collections,
                migrations,
                sha256(template.checksum() + " + index " + collection + "." + field));
    }

    /** Applies {@code template} to every database, {@code concurrency} at a time; fails on the first database that refuses. */
    public static Figures run(
            PostgresServer server,
            ServiceTemplate template,
            List<String> databases,
            int concurrency,
            String change,
            Consumer<String> progress) {
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        List<Long> nanos = Parallel.map(databases.size(), concurrency, i -> {
            long began = System.nanoTime();
            try (Connection connection = server.connect(databases.get(i))) {
                SchemaChange applied = SchemaApplier.apply(connection, template);
                if (!applied.changed()) {
                    throw new IllegalStateException(
                            "database " + databases.get(i) + " was already at version " + applied.toVersion());
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot connect to " + databases.get(i) + ": " + e.getMessage(), e);
            }
            if (done.incrementAndGet() % 250 == 0) {
                progress.accept("migrated " + done.get() + " of " + databases.size() + " databases");
            }
            return System.nanoTime() - began;
        });
        return new Figures(change, concurrency, Timings.ofNanos(nanos), (System.nanoTime() - start) / 1e9);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
