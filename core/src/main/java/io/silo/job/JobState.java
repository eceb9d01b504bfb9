package io.silo.job;

import java.util.Locale;

/** Where a job is. A running job whose lease lapsed is taken over by another runner. */
public enum JobState {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobState of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED;
    }
}
