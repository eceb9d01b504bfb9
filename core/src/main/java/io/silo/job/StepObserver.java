package io.silo.job;

/**
 * Sees each step of each job just before it runs: for progress logs and metrics, and for tests
 * that stop a process at a chosen step to prove a crash there is survived.
 */
@FunctionalInterface
public interface StepObserver {
    StepObserver NONE = (job, step) -> {};

    void beforeStep(Job job, String step);
}
