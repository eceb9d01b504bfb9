package io.silo.postgres.collection.query;

import io.silo.error.ProblemType;
import io.silo.template.FieldPath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A field selection: which parts of a document body to return. The meta fields are always
 * returned; naming them is allowed and changes nothing, so {@code _id} alone selects an empty
 * body. Paths go through objects only, as filters do: {@code items.price} does not reach into
 * an array {@code items}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param whole whether the whole body is selected
 * @param paths the selected paths when not {@code whole}
 */
public record Fields(boolean whole, List<FieldPath> paths) {
    /** The most fields one selection may name. */
    public static final int MAX_PATHS = 64;

    private static final Fields ALL = new Fields(true, List.of());

    public Fields {
        paths = List.copyOf(paths);
        if (whole && !paths.isEmpty()) {
            throw new IllegalArgumentException("a selection of the whole body names no paths, got " + paths);
        }
    }

    /** The whole body. */
    public static Fields all() {
        return ALL;
    }

    /** Exactly these paths. */
    public static Fields of(List<FieldPath> paths) {
        return new Fields(false, paths);
    }

    /**
     * Parses {@code a,b.c} as it arrives in a query parameter; blank selects the whole body. A
     * malformed path is an {@code invalid-field}.
     */
    public static Fields parse(String text) {
        if (text.isBlank()) {
            return ALL;
        }
        String[] parts = text.split(",", -1);
        if (parts.length > MAX_PATHS) {
            throw ProblemType.INVALID_FIELD.exception("the field selection names more than " + MAX_PATHS + " fields");
        }
        List<FieldPath> paths = new ArrayList<>();
        for (String part : parts) {
            if (DocumentField.parse(part.strip()) instanceof DocumentField.Path path && !paths.contains(path.path())) {
                paths.add(path.path());
            }
        }
        return of(paths);
    }

    /** The body with only the selected paths that exist in it; {@code body} itself when all is selected. */
    public ObjectNode project(ObjectNode body) {
        if (whole) {
            return body;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        // a shorter path copies its whole subtree first, so a longer one under it finds it already there
        paths.stream()
                .sorted(Comparator.comparingInt(path -> path.segments().size()))
                .forEach(path -> copy(body, out, path.segments()));
        return out;
    }

    /** The selection as it would be written in a parameter; empty for the whole body. */
    @Override
    public String toString() {
        return String.join(",", paths.stream().map(FieldPath::toString).toList());
    }

    private static void copy(ObjectNode from, ObjectNode to, List<String> segments) {
        JsonNode source = from;
        ObjectNode target = to;
        for (String segment : segments.subList(0, segments.size() - 1)) {
            source = source.get(segment);
            JsonNode existing = target.get(segment);
            if (source == null || !source.isObject() || (existing != null && !existing.isObject())) {
                return;
            }
            target = existing != null ? (ObjectNode) existing : target.putObject(segment);
        }
        String last = segments.getLast();
        JsonNode value = source.get(last);
        if (value != null && !target.has(last)) {
            target.set(last, value.deepCopy());
        }
    }
}
