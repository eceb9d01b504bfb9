/** Throttling: in-memory counts of attempts per key in fixed windows, refused with 429 and Retry-After. */
package io.silo.app.throttle;
