/**
 * The API description: an OpenAPI 3.1 document of every route, written by hand in
 * {@code openapi.yaml} beside these classes and served as JSON at {@code GET /openapi.json}.
 */
package io.silo.http.openapi;
