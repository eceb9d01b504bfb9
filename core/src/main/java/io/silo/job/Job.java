package io.silo.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A long operation as persisted steps. The plan ({@link #steps()}) is fixed when the job is
 * created; {@link #nextStep()} says how far it got, so that a crash resumes where it stopped.
 *
 * @param kind which {@link JobHandler} runs it, e.g. {@code tenant.provision}
 * @param payload what the handler needs; never secrets in clear
 * @param attempts failed attempts of the current step so far
 * @param progress how far the current step got, as its handler last reported ({@link JobProgress})
 * @param cancelRequested an administrator asked to stop it; it stops at its next step boundary
 */
public record Job(
        UUID id,
        String kind,
        Optional<UUID> tenantId,
        JobState state,
        JsonNode payload,
        List<String> steps,
        int nextStep,
        int attempts,
        Optional<String> error,
        Instant createdAt,
        Instant updatedAt,
        Optional<Instant> finishedAt,
        Optional<StepProgress> progress,
        boolean cancelRequested) {

    public Job {
        steps = List.copyOf(steps);
    }

    /** A job with no progress reported and no cancellation asked for, as a new one is. */
    public Job(
            UUID id,
            String kind,
            Optional<UUID> tenantId,
            JobState state,
            JsonNode payload,
            List<String> steps,
            int nextStep,
            int attempts,
            Optional<String> error,
            Instant createdAt,
            Instant updatedAt,
            Optional<Instant> finishedAt) {
        this(
                id,
                kind,
                tenantId,
                state,
                payload,
                steps,
                nextStep,
                attempts,
                error,
                createdAt,
                updatedAt,
                finishedAt,
                Optional.empty(),
                false);
    }

    /** The step to run next, if any is left. */
    public Optional<String> currentStep() {
        return nextStep < steps.size() ? Optional.of(steps.get(nextStep)) : Optional.empty();
    }
}
