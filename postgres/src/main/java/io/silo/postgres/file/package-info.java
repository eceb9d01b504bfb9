/**
 * The files of documents, in the tenant's own database: {@code silo_files} (one row per file) and
 * {@code silo_file_chunks} (its bytes, one chunk of {@link io.silo.postgres.file.FileStore#CHUNK_BYTES}
 * per row), so that a backup or a move of the database carries them and no read or write ever
 * holds a whole file. {@link io.silo.postgres.file.FileStore} works on a connection the caller has
 * routed, inside the caller's transaction, like {@code DocumentStore}.
 */
package io.silo.postgres.file;
