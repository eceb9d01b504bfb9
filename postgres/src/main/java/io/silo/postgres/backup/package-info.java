/**
 * Backups of a tenant's databases as one portable archive, and their restore: the archive's format
 * ({@link io.silo.postgres.backup.ArchiveWriter}, {@link io.silo.postgres.backup.ArchiveReader}),
 * each database read in one snapshot ({@link io.silo.postgres.backup.DatabaseDump}), checked
 * ({@link io.silo.postgres.backup.ArchiveCheck}, {@link io.silo.postgres.backup.RowChecksum}) and
 * loaded into a new database ({@link io.silo.postgres.backup.DatabaseLoad}). Independent of
 * {@code pg_dump}: everything is read and written through the JDBC driver's {@code COPY}, each row
 * as PostgreSQL's {@code COPY} text of it (format 1 archives, still read, held {@code to_jsonb(row)}).
 * The format is described in {@code docs/operations.md}.
 */
package io.silo.postgres.backup;
