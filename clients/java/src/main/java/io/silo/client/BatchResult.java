package io.silo.client;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What one operation of a {@link Batch} did: the document as stored (insert, replace, patch), or the
 * id of the deleted one.
 *
 * <p>Immutable.
 */
public record BatchResult(String op, Optional<JsonNode> document, Optional<String> id) {}
