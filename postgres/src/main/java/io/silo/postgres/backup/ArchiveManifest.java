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
    /** The format this version of Silo writes and reads. */
    public static final int FORMAT = 1;

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
