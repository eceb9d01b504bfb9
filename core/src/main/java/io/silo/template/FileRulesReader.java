package io.silo.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads the {@code files} of a collection: {@code {maxBytes: 10485760, contentTypes: [image/png, audio/*]}}. */
final class FileRulesReader {
    private FileRulesReader() {}

    static Optional<FileRules> read(Node files) {
        if (files.isMissing()) {
            return Optional.empty();
        }
        if (!files.json().isObject()) {
            files.problem(files.shown() + " is not a mapping of maxBytes, contentTypes");
            return Optional.empty();
        }
        files.allowOnly("maxBytes", "contentTypes");
        Optional<Long> maxBytes = maxBytes(files.get("maxBytes"));
        List<String> contentTypes = contentTypes(files.get("contentTypes"));
        return maxBytes.map(max -> new FileRules(max, contentTypes));
    }

    private static Optional<Long> maxBytes(Node node) {
        if (node.isMissing()) {
            node.problem("is required: the largest file, in bytes (at most " + FileRules.LIMIT + ")");
            return Optional.empty();
        }
        if (!node.json().isIntegralNumber()
                || !node.json().canConvertToLong()
                || node.json().longValue() < 1
                || node.json().longValue() > FileRules.LIMIT) {
            node.problem(node.shown() + " is not a whole number of bytes from 1 to " + FileRules.LIMIT + " (1 GiB)");
            return Optional.empty();
        }
        return Optional.of(node.json().longValue());
    }

    private static List<String> contentTypes(Node node) {
        if (node.isMissing()) {
            node.problem("is required: the media types a file may have, such as image/png or audio/*");
            return List.of();
        }
        List<Node> items = node.items();
        if (node.json().isArray() && items.isEmpty()) {
            node.problem("needs at least one media type");
        }
        List<String> out = new ArrayList<>();
        for (Node item : items) {
            item.string().flatMap(text -> contentType(item, text)).ifPresent(type -> {
                if (out.contains(type)) {
                    item.problem("'" + type + "' is listed twice");
                } else {
                    out.add(type);
                }
            });
        }
        return out;
    }

    private static Optional<String> contentType(Node item, String text) {
        String type = text.trim().toLowerCase(Locale.ROOT);
        if (type.equals("*/*") || type.startsWith("*/")) {
            // any type would let HTML and scripts in, served from the API's own origin
            item.problem("'" + text + "' accepts any type; name the types or families (image/*) a file may have");
            return Optional.empty();
        }
        boolean family = type.endsWith("/*") && type.indexOf('*') == type.length() - 1;
        String checked = family ? type.substring(0, type.length() - 1) + "x" : type;
        if (!checked.matches(FileRules.TOKEN + "/" + FileRules.TOKEN) || !family && type.contains("*")) {
            item.problem("'" + text + "' is not a media type: write type/subtype (image/png) or type/* (audio/*),"
                    + " without parameters");
            return Optional.empty();
        }
        return Optional.of(type);
    }
}
