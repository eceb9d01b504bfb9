/**
 * Documents of an organization's collections: what a caller may touch ({@link io.silo.app.document.DataScope}),
 * and where a document is written, each write with its activity row in the same transaction.
 */
package io.silo.app.document;
