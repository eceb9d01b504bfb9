/**
 * The HTTP server: routes, request ids, body reading, paging, and the single mapping of errors to
 * problem documents.
 */
package io.silo.http.server;
