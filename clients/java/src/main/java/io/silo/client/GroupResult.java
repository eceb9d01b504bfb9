package io.silo.client;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The groups of a {@link Grouping}, and whether more exist than its limit let through.
 *
 * <p>Immutable.
 */
public record GroupResult(List<Group> groups, boolean truncated) {
    public GroupResult {
        groups = List.copyOf(groups);
    }

    /**
     * One group: its key (a value, or an array of values for several keys), its count, and the exact
     * sum, average, least and greatest value of the metric where the group has numbers there.
     */
    public record Group(
            JsonNode key,
            long count,
            Optional<BigDecimal> sum,
            Optional<BigDecimal> avg,
            Optional<BigDecimal> min,
            Optional<BigDecimal> max) {}
}
