package io.silo.app.document;

import io.silo.postgres.idempotency.Answer;

/**
 * The answer to a write sent with an idempotency key: the one just made, or, for a retry, the first
 * one, given again without doing the work twice.
 *
 * @param replayed whether {@code answer} is the first request's, given again
 */
public record Answered(Answer answer, boolean replayed) {}
