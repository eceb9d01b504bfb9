/**
 * Files of documents: attachments, recordings, product images. {@link io.silo.app.file.DocumentFiles}
 * uploads, lists, reads and deletes them under the permissions of the document they belong to, and
 * signs short-lived URLs that work without a token ({@link io.silo.app.file.FileUrls});
 * {@link io.silo.app.file.FileSweeper} removes what no request will. The bytes live in the
 * tenant's own database ({@code io.silo.postgres.file}), streamed a chunk at a time.
 */
package io.silo.app.file;
