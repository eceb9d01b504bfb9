/**
 * The error model: one unchecked {@link io.silo.error.SiloException} with a stable problem type
 * and an {@link io.silo.error.ErrorKind} that the HTTP layer maps to a status in one place.
 */
package io.silo.error;
