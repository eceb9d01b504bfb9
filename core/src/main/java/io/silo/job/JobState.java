package io.silo.job;

import java.util.Locale;

/**
 * Where a job is. A running job whose lease lapsed is taken over by another runner; a cancelled one
 * was stopped by an administrator before it finished (a pending one never started).
 */
public enum JobState {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobState of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
