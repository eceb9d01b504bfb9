package io.silo.template;

import io.silo.error.SiloException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/** Reads the {@code sequences} of a collection: field → {@code format}, {@code per}, {@code reset}, {@code timeZone}. */
final class SequenceReader {
    private SequenceReader() {}

    static Map<String, SequenceSpec> read(Node sequences, Optional<JsonNode> schema) {
        Map<String, SequenceSpec> out = new LinkedHashMap<>();
        Map<String, Node> entries = sequences.entries();
        for (var entry : entries.entrySet()) {
            Node node = entry.getValue();
            if (!isTopLevelField(entry.getKey())) {
                node.problem("'" + entry.getKey() + "' is not a top-level field a sequence can fill: an identifier"
                        + " (letters, digits, _) that does not start with _ (Silo's meta fields)");
                continue;
            }
            sequence(entry.getKey(), node, schema).ifPresent(spec -> out.put(spec.field(), spec));
        }
        Set<String> numbered = entries.keySet();
        for (SequenceSpec spec : out.values()) {
            spec.per()
                    .filter(per -> !per.first().equals(spec.field()) && numbered.contains(per.first()))
                    .ifPresent(per -> sequences
                            .get(spec.field())
                            .get("per")
                            .problem("'" + per + "' is numbered by a sequence itself; a counter's scope must be"
                                    + " a field the client sends"));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Optional<SequenceSpec> sequence(String field, Node node, Optional<JsonNode> schema) {
        if (!node.json().isObject()) {
            node.problem(node.shown() + " is not a mapping of format, per, reset, timeZone");
            return Optional.empty();
        }
        node.allowOnly("format", "per", "reset", "timeZone");
        checkSchemaType(field, node, schema);
        Optional<SequenceFormat> format = format(node.get("format"));
        Optional<FieldPath> per =
                node.get("per").isMissing() ? Optional.empty() : CollectionReader.path(node.get("per"));
        per.filter(path -> path.first().equals(field))
                .ifPresent(path -> node.get("per").problem("a counter cannot be kept per the field it numbers"));
        SequenceSpec.Reset reset = reset(node.get("reset"));
        if (reset == SequenceSpec.Reset.YEARLY
                && format.isPresent()
                && !format.get().hasYear()) {
            node.get("reset")
                    .problem("a yearly counter needs {year} in the format, or each year would repeat the numbers"
                            + " of the year before");
        }
        ZoneId zone = timeZone(node.get("timeZone"));
        return format.map(value -> new SequenceSpec(field, value, per, reset, zone));
    }

    private static Optional<SequenceFormat> format(Node node) {
        Optional<String> text = node.requiredString();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SequenceFormat.parse(text.get()));
        } catch (IllegalArgumentException e) {
            node.problem(node.shown() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static SequenceSpec.Reset reset(Node node) {
        String text = node.string().orElse("never");
        return switch (text) {
            case "never" -> SequenceSpec.Reset.NEVER;
            case "yearly" -> SequenceSpec.Reset.YEARLY;
            default -> {
                node.problem(node.shown() + " is not a reset: use never (the default) or yearly");
                yield SequenceSpec.Reset.NEVER;
            }
        };
    }

    private static ZoneId timeZone(Node node) {
        Optional<String> text = node.string();
        if (text.isEmpty()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(text.get());
        } catch (DateTimeException e) {
            node.problem(node.shown() + " is not a time zone: use a region such as Europe/Zurich, or UTC");
            return ZoneOffset.UTC;
        }
    }

    /** A sequence writes text: a schema that declares the field as something else would refuse every number. */
    private static void checkSchemaType(String field, Node node, Optional<JsonNode> schema) {
        JsonNode type = schema.map(value -> value.path("properties").path(field).path("type"))
                .orElse(MissingNode.getInstance());
        boolean text = type.isMissingNode()
                || (type.isString() && type.stringValue().equals("string"))
                || (type.isArray()
                        && type.valueStream()
                                .anyMatch(value ->
                                        value.isString() && value.stringValue().equals("string")));
        if (!text) {
            node.problem(
                    "the schema declares " + field + " as " + type.toString().toLowerCase(Locale.ROOT)
                            + ", but a sequence writes text: declare it {type: string}");
        }
    }

    private static boolean isTopLevelField(String name) {
        try {
            return FieldPath.parse(name).segments().size() == 1 && !name.startsWith("_");
        } catch (SiloException e) {
            return false;
        }
    }
}
