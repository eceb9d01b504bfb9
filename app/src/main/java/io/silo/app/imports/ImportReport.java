package io.silo.app.imports;

import io.silo.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an import did: per organization of the source, whether it was created, found again or
 * refused, and per collection how many documents were imported, updated, already there or
 * rejected, each rejection with its source id and reason; notes (a person's copies that disagree,
 * plain-text passwords, collections the template lacks, index differences); and the source-wide
 * notes and figures.
 *
 * <p>Not thread-safe: one import fills it from one thread.
 */
public final class ImportReport {
    /** At most this many rejections are listed per organization; all are counted. */
    static final int LISTED_REJECTIONS = 1000;

    private final String source;
    private final Map<String, Tenant> tenants = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Rejection> unassigned = new ArrayList<>();
    private long unassignedCount;
    private long documents;
    private long bytes;
    private Duration took = Duration.ZERO;

    ImportReport(String source) {
        this.source = source;
    }

    /** A document or file that was not imported, with its source id (or place) and why. */
    public record Rejection(String collection, String id, String reason) {}

    /** Documents of one collection of one organization, by outcome. */
    public static final class Counts {
        long imported;
        long updated;
        long unchanged;
        long rejected;

        public long imported() {
            return imported;
        }

        public long updated() {
            return updated;
        }

        public long unchanged() {
            return unchanged;
        }

        public long rejected() {
            return rejected;
        }
    }

    /** One organization of the source. */
    public static final class Tenant {
        final String key;
        String name;
        String status = "pending";
        Optional<String> slug = Optional.empty();
        Optional<UUID> id = Optional.empty();
        Optional<String> reason = Optional.empty();
        final Map<String, Counts> collections = new LinkedHashMap<>();
        final List<Rejection> rejections = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Tenant(String key) {
            this.key = key;
            this.name = key;
        }

        public String key() {
            return key;
        }

        /** {@code created}, {@code found} (an earlier run made it), {@code collision} or {@code failed}. */
        public String status() {
            return status;
        }

        /** Why the organization was not imported, when it was not. */
        public Optional<String> reason() {
            return reason;
        }

        public Optional<UUID> id() {
            return id;
        }

        public Optional<String> slug() {
            return slug;
        }

        public Map<String, Counts> collections() {
            return collections;
        }

        public List<Rejection> rejections() {
            return rejections;
        }

        public List<String> notes() {
            return notes;
        }

        public long rejected() {
            return collections.values().stream().mapToLong(Counts::rejected).sum();
        }

        Counts counts(String service, String collection) {
            return collections.computeIfAbsent(service + "." + collection, name -> new Counts());
        }

        void reject(String service, String collection, String id, String reason) {
            counts(service, collection).rejected++;
            if (rejections.size() < LISTED_REJECTIONS) {
                rejections.add(new Rejection(service + "." + collection, id, reason));
            }
        }

        void note(String note) {
            if (!notes.contains(note)) {
                notes.add(note);
            }
        }

        /** Takes in what one step found of this organization: its outcome once known, counts added. */
        void absorb(JsonNode part) {
            String partStatus = part.path("status").asString("pending");
            if (status.equals("pending") && !partStatus.equals("pending")) {
                status = partStatus;
                name = part.path("name").asString(key);
                slug = Optional.ofNullable(part.path("slug").asString(null));
                id = Optional.ofNullable(part.path("organization").asString(null))
                        .map(UUID::fromString);
                reason = Optional.ofNullable(part.path("reason").asString(null));
            }
            for (Map.Entry<String, JsonNode> entry : part.path("collections").properties()) {
                Counts counts = collections.computeIfAbsent(entry.getKey(), ignored -> new Counts());
                counts.imported += entry.getValue().path("imported").asLong();
                counts.updated += entry.getValue().path("updated").asLong();
                counts.unchanged += entry.getValue().path("unchanged").asLong();
                counts.rejected += entry.getValue().path("rejected").asLong();
            }
            for (JsonNode rejection : part.path("rejected")) {
                if (rejections.size() < LISTED_REJECTIONS) {
                    rejections.add(rejection(rejection));
                }
            }
            part.path("notes").forEach(note -> note(note.asString()));
        }

        boolean usable() {
            return status.equals("created") || status.equals("found");
        }

        ObjectNode json() {
            ObjectNode out = Json.object();
            out.put("key", key);
            out.put("name", name);
            out.put("status", status);
            slug.ifPresent(value -> out.put("slug", value));
            id.ifPresent(value -> out.put("organization", value.toString()));
            reason.ifPresent(value -> out.put("reason", value));
            ObjectNode counts = out.putObject("collections");
            collections.forEach((name, count) -> {
                ObjectNode one = counts.putObject(name);
                one.put("imported", count.imported);
                one.put("updated", count.updated);
                one.put("unchanged", count.unchanged);
                one.put("rejected", count.rejected);
            });
            ArrayNode rejected = out.putArray("rejected");
            rejections.forEach(rejection -> rejected.addObject()
                    .put("collection", rejection.collection())
                    .put("id", rejection.id())
                    .put("reason", rejection.reason()));
            ArrayNode noted = out.putArray("notes");
            notes.forEach(noted::add);
            return out;
        }
    }

    /**
     * The report of a whole import from what its steps found, in the plan's order: each step's {@code
     * report} (as {@link #json()} wrote it) added up; an organization's outcome is the first step's
     * that knew it.
     */
    public static ImportReport of(String source, List<JsonNode> outcomes) {
        ImportReport merged = new ImportReport(source);
        long documents = 0;
        long bytes = 0;
        long millis = 0;
        for (JsonNode outcome : outcomes) {
            JsonNode part = outcome.path("report");
            documents += part.path("documentsRead").asLong();
            bytes += part.path("bytesRead").asLong();
            millis += Math.round(part.path("seconds").asDouble() * 1000);
            part.path("notes").forEach(note -> merged.note(note.asString()));
            merged.unassignedCount += part.path("unassignedCount").asLong();
            for (JsonNode rejection : part.path("unassigned")) {
                if (merged.unassigned.size() < LISTED_REJECTIONS) {
                    merged.unassigned.add(rejection(rejection));
                }
            }
            for (Map.Entry<String, JsonNode> entry : part.path("organizations").properties()) {
                merged.tenant(entry.getKey()).absorb(entry.getValue());
            }
        }
        merged.read(documents, bytes, Duration.ofMillis(millis));
        return merged;
    }

    /** A report as {@link #json()} wrote it, read back. */
    public static ImportReport read(JsonNode json) {
        ObjectNode outcome = Json.object();
        outcome.set("report", json);
        return of(json.path("source").asString(""), List.of(outcome));
    }

    /** What a report (as {@link #json()} wrote it) left out: documents and files rejected or without organization. */
    static long rejectedIn(JsonNode json) {
        long rejected = json.path("unassignedCount").asLong();
        for (JsonNode tenant : json.path("organizations")) {
            for (JsonNode counts : tenant.path("collections")) {
                rejected += counts.path("rejected").asLong();
            }
        }
        return rejected;
    }

    /** What was left out so far: documents rejected, and documents or files without organization. */
    public long rejectedCount() {
        return unassignedCount
                + tenants.values().stream().mapToLong(Tenant::rejected).sum();
    }

    private static Rejection rejection(JsonNode json) {
        return new Rejection(
                json.path("collection").asString(""),
                json.path("id").asString(""),
                json.path("reason").asString(""));
    }

    Tenant tenant(String key) {
        return tenants.computeIfAbsent(key, Tenant::new);
    }

    void note(String note) {
        if (!notes.contains(note)) {
            notes.add(note);
        }
    }

    /** A file or document that belongs to no organization (unreadable, or without an organization field). */
    void unassigned(String collection, String id, String reason) {
        if (unassigned.size() < LISTED_REJECTIONS) {
            unassigned.add(new Rejection(collection, id, reason));
        }
        unassignedCount++;
    }

    void read(long documentCount, long byteCount, Duration time) {
        this.documents = documentCount;
        this.bytes = byteCount;
        this.took = time;
    }

    public String source() {
        return source;
    }

    public Map<String, Tenant> tenants() {
        return tenants;
    }

    public List<String> notes() {
        return notes;
    }

    public List<Rejection> unassigned() {
        return unassigned;
    }

    public long documentsRead() {
        return documents;
    }

    public long bytesRead() {
        return bytes;
    }

    public Duration took() {
        return took;
    }

    /** Documents written (imported or updated) across organizations. */
    public long written() {
        return tenants.values().stream()
                .flatMap(tenant -> tenant.collections.values().stream())
                .mapToLong(counts -> counts.imported + counts.updated)
                .sum();
    }

    /** Whether everything was imported: no organization refused, no document rejected, nothing unreadable. */
    public boolean complete() {
        return unassignedCount == 0
                && tenants.values().stream().allMatch(tenant -> tenant.usable() && tenant.rejected() == 0);
    }

    /** Writes {@code import-report.json} and one file per organization ({@code <slug>.json}) into {@code folder}. */
    public void write(Path folder) {
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("import-report.json"), Json.write(json()));
            for (Tenant tenant : tenants.values()) {
                String file = tenant.slug().orElse(tenant.key()).replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
                Files.writeString(folder.resolve(file), Json.write(tenant.json()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the import report to " + folder, e);
        }
    }

    /** Source-wide: figures, notes, what belongs to no organization, and each organization's summary. */
    public ObjectNode json() {
        ObjectNode out = Json.object();
        out.put("source", source);
        out.put("complete", complete());
        out.put("documentsRead", documents);
        out.put("bytesRead", bytes);
        out.put("seconds", took.toMillis() / 1000.0);
        ArrayNode noted = out.putArray("notes");
        notes.forEach(noted::add);
        out.put("unassignedCount", unassignedCount);
        ArrayNode loose = out.putArray("unassigned");
        unassigned.forEach(rejection -> loose.addObject()
                .put("collection", rejection.collection())
                .put("id", rejection.id())
                .put("reason", rejection.reason()));
        ObjectNode each = out.putObject("organizations");
        tenants.forEach((key, tenant) -> each.set(key, tenant.json()));
        return out;
    }
}
