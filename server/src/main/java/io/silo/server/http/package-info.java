/**
 * The HTTP layer: the server, request ids, body reading, and the single mapping of errors to
 * problem documents.
 */
package io.silo.server.http;
