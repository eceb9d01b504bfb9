package io.silo.postgres.backup;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What an archive holds, as its check found it: the organization's registry fields (its control
 * plane record without secrets), when the backup was taken, and each database with its tables,
 * counts and checksums.
 *
 * @param format the archive format's version ({@link #FORMAT})
 * @param consistent whether the databases were read under one write fence (a tenant-wide cut)
 */
public record ArchiveManifest(
        int format, Instant createdAt, boolean consistent, JsonNode organization, List<ArchivedDatabase> databases) {
    /**
     * The format this version of Silo writes: 2, rows as {@code COPY}'s text. It also reads format 1
     * ({@link #LEGACY}), rows as {@code to_jsonb(row)::text}, as Silo wrote them before.
     */
    public static final int FORMAT = 2;

    /** The previous format, still read. */
    public static final int LEGACY = 1;

    public ArchiveManifest {
        databases = List.copyOf(databases);
    }

    /** The organization's slug when it was backed up. */
    public String slug() {
        return organization.path("slug").asString();
    }

    /** Every table's rows. */
    public long rows() {
        return databases.stream().mapToLong(ArchivedDatabase::rows).sum();
    }
}
