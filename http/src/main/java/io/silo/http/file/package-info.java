/**
 * The files of documents over HTTP: {@code /api/data/{service}/{collection}/{id}/_files} (upload,
 * list, read with ranges, delete, sign a URL) and {@code /api/files/{token}} (a signed URL, no
 * token needed). Uploads and downloads are streamed; {@link io.silo.app.file.DocumentFiles} does
 * the rest.
 */
package io.silo.http.file;
