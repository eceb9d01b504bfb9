package io.silo.client;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing, and the cursor of the next one (empty on the last page).
 *
 * <p>Immutable.
 */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
    public Page {
        items = List.copyOf(items);
    }
}
