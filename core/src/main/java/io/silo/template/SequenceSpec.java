package io.silo.template;

import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * A field of a collection that an insert numbers when the document comes without it: the next value
 * of a counter kept in the tenant database, written as {@link #format} says ({@code INV-2026-00042}).
 * A counter may start again at 1 each calendar year ({@link Reset#YEARLY}), and there may be one per
 * value of another field ({@link #per}, such as a branch). A value the client sends is kept; when it
 * is one the format could have written, its counter moves past it, so imported numbers are never
 * handed out again.
 *
 * @param field the top-level field the sequence fills
 * @param format how the number is written
 * @param per the field whose every value has a counter of its own; empty for one counter
 * @param reset whether the counter starts again each year
 * @param timeZone the zone whose calendar gives {@code {year}} and the yearly reset; UTC unless said
 */
public record SequenceSpec(String field, SequenceFormat format, Optional<FieldPath> per, Reset reset, ZoneId timeZone) {

    public SequenceSpec {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(per, "per");
        Objects.requireNonNull(reset, "reset");
        Objects.requireNonNull(timeZone, "timeZone");
    }

    /** When a counter starts again at 1. */
    public enum Reset {
        /** Never: one run of numbers. */
        NEVER,
        /** At the start of every calendar year of the sequence's time zone. */
        YEARLY
    }
}
