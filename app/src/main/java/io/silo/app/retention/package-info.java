/** Log retention: old activity and audit rows purged in small batches, by one instance at a time. */
package io.silo.app.retention;
