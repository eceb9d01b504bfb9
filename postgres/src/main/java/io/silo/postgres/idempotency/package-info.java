/**
 * Idempotency keys of writes: the first answer to a request sent with an {@code Idempotency-Key},
 * kept a day in the tenant's own database ({@code silo_idempotency}), written in the transaction of
 * the write it answers, and given again to a retry instead of doing the work twice.
 */
package io.silo.postgres.idempotency;
