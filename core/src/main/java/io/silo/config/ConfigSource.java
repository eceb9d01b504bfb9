package io.silo.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Raw configuration values: a YAML file, overridden key by key by environment variables.
 *
 * <p>Key {@code pools.maxPerDatabase} is overridden by {@code SILO_POOLS_MAX_PER_DATABASE}.
 * String values in the file may refer to the environment as {@code ${NAME}}, so that secrets
 * stay out of the file. Every typed getter names the key, its origin and the bad value when
 * the value cannot be used, and records the key so that unknown keys in the file are reported
 * rather than silently ignored.
 *
 * <p>Not thread-safe; used once at start-up.
 */
public final class ConfigSource {
    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String prefix;
    private final JsonNode file;
    private final String fileName;
    private final Map<String, String> env;
    private final Set<String> read;

    private ConfigSource(String prefix, JsonNode file, String fileName, Map<String, String> env, Set<String> read) {
        this.prefix = prefix;
        this.file = file;
        this.fileName = fileName;
        this.env = env;
        this.read = read;
    }

    /** Reads {@code file} when it exists (no file is an empty one) and overlays {@code env}. */
    public static ConfigSource load(Optional<Path> file, Map<String, String> env) {
        JsonNode root = YAML.createObjectNode();
        String name = "(no file)";
        if (file.isPresent()) {
            Path path = file.get();
            name = path.toString();
            if (!Files.isRegularFile(path)) {
                throw new ConfigException("configuration file " + path + " does not exist");
            }
            try {
                JsonNode parsed = YAML.readTree(Files.readString(path));
                if (parsed != null && !parsed.isMissingNode() && !parsed.isNull()) {
                    if (!parsed.isObject()) {
                        throw new ConfigException("configuration file " + path + " must hold a mapping of keys");
                    }
                    root = parsed;
                }
            } catch (IOException | JacksonException e) {
                throw new ConfigException(
                        "configuration file " + path + " cannot be read: " + firstLine(e.getMessage()));
            }
        }
        return new ConfigSource("", root, name, Map.copyOf(env), new LinkedHashSet<>());
    }

    /** An empty source with only the given environment; handy in tests. */
    public static ConfigSource ofEnv(Map<String, String> env) {
        return load(Optional.empty(), env);
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        StringBuilder out = new StringBuilder("SILO_");
        for (char c : key.toCharArray()) {
            if (c == '.') {
                out.append('_');
            } else if (Character.isUpperCase(c)) {
                out.append('_').append(c);
            } else {
                out.append(Character.toUpperCase(c));
            }
        }
        return out.toString();
    }

    public Optional<String> optional(String key) {
        String full = prefix + key;
        read.add(full);
        if (prefix.isEmpty()) {
            String fromEnv = env.get(envName(full));
            if (fromEnv != null && !fromEnv.isEmpty()) {
                return Optional.of(fromEnv);
            }
        }
        JsonNode node = file.at("/" + key.replace(".", "/"));
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (node.isContainer()) {
            throw new ConfigException(full + " in " + fileName + " must be a single value, not "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return Optional.of(substitute(full, node.asString()));
    }

    public String string(String key, String fallback) {
        return optional(key).orElse(fallback);
    }

    public String required(String key) {
        return optional(key)
                .orElseThrow(() -> new ConfigException(
                        prefix + key + " is required (set it in " + fileName + " or " + envName(prefix + key) + ")"));
    }

    public int integer(String key, int fallback, int min, int max) {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.get().trim());
            if (value < min || value > max) {
                throw bad(key, raw.get(), "a whole number from " + min + " to " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw bad(key, raw.get(), "a whole number from " + min + " to " + max);
        }
    }

    public boolean bool(String key, boolean fallback) {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw bad(key, raw.get(), "true or false");
        };
    }

    /**
     * One of the constants of {@code fallback}'s enum, named in lower case with dashes
     * ({@code EMBEDDED_ONLY} is {@code embedded-only}).
     */
    public <E extends Enum<E>> E choice(String key, E fallback) {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        E[] values = fallback.getDeclaringClass().getEnumConstants();
        for (E value : values) {
            if (choiceName(value).equals(raw.get().trim().toLowerCase(Locale.ROOT))) {
                return value;
            }
        }
        throw bad(
                key,
                raw.get(),
                "one of " + Arrays.stream(values).map(ConfigSource::choiceName).toList());
    }

    private static String choiceName(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A duration as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d}, or ISO-8601. */
    public Duration duration(String key, Duration fallback) {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        return parseDuration(raw.get().trim())
                .orElseThrow(() -> bad(key, raw.get(), "a duration such as 500ms, 30s, 15m, 12h or 7d"));
    }

    /** A duration within {@code [min, max]}, with an error naming the bounds otherwise. */
    public Duration duration(String key, Duration fallback, Duration min, Duration max) {
        Duration value = duration(key, fallback);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw bad(
                    key,
                    optional(key).orElse(fallback.toString()),
                    "a duration from " + human(min) + " to " + human(max));
        }
        return value;
    }

    private static String human(Duration duration) {
        if (duration.toMillis() < 1000) {
            return duration.toMillis() + "ms";
        }
        if (duration.toSeconds() < 120) {
            return duration.toSeconds() + "s";
        }
        if (duration.toMinutes() < 120) {
            return duration.toMinutes() + "m";
        }
        return duration.toHours() < 48 ? duration.toHours() + "h" : duration.toDays() + "d";
    }

    /** The entries of a list of mappings, each as a source of its own (e.g. {@code clusters}). */
    public List<ConfigSource> list(String key) {
        read.add(prefix + key);
        JsonNode node = file.at("/" + key.replace(".", "/"));
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ConfigException(prefix + key + " in " + fileName + " must be a list");
        }
        List<ConfigSource> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode entry = node.get(i);
            if (!entry.isObject()) {
                throw new ConfigException(prefix + key + "[" + i + "] in " + fileName + " must be a mapping");
            }
            out.add(new ConfigSource(prefix + key + "[" + i + "].", entry, fileName, env, read));
        }
        return out;
    }

    /**
     * The entries of a mapping whose keys are names of the deployment's choosing (e.g. the services
     * of {@code placement.services}), each as a source of its own; from the file only.
     */
    public Map<String, ConfigSource> mappings(String key) {
        JsonNode node = file.at("/" + key.replace(".", "/"));
        if (node.isMissingNode() || node.isNull()) {
            read.add(prefix + key);
            return Map.of();
        }
        if (!node.isObject()) {
            throw new ConfigException(prefix + key + " in " + fileName + " must be a mapping");
        }
        Map<String, ConfigSource> out = new LinkedHashMap<>();
        for (var field : node.properties()) {
            if (!field.getValue().isObject()) {
                throw new ConfigException(
                        prefix + key + "." + field.getKey() + " in " + fileName + " must be a mapping");
            }
            out.put(
                    field.getKey(),
                    new ConfigSource(prefix + key + "." + field.getKey() + ".", field.getValue(), fileName, env, read));
        }
        return out;
    }

    /** A mapping of string to string, e.g. a cluster's {@code labels}. */
    public Map<String, String> map(String key) {
        read.add(prefix + key);
        JsonNode node = file.at("/" + key.replace(".", "/"));
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new ConfigException(prefix + key + " in " + fileName + " must be a mapping");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var field : node.properties()) {
            out.put(
                    field.getKey(),
                    substitute(
                            prefix + key + "." + field.getKey(),
                            field.getValue().asString()));
        }
        return Map.copyOf(out);
    }

    /** Fails when the file has keys that nothing read: a typo must not pass silently. */
    public void rejectUnknownKeys() {
        List<String> unknown = new ArrayList<>();
        collect("", file, unknown);
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown configuration key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " in " + fileName + " (see docs/configuration.md)");
        }
    }

    /** Every key that was asked for, in order; used to check that each one is documented. */
    public Set<String> keysRead() {
        return Set.copyOf(read);
    }

    private void collect(String path, JsonNode node, List<String> unknown) {
        if (read.contains(prefix + path)) {
            return;
        }
        if (node.isObject()) {
            for (var field : node.properties()) {
                collect(path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getValue(), unknown);
            }
        } else if (!path.isEmpty()) {
            unknown.add(prefix + path);
        }
    }

    private String substitute(String key, String value) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = env.get(m.group(1));
            if (replacement == null) {
                throw new ConfigException(key + " in " + fileName + " refers to ${" + m.group(1)
                        + "}, which is not set in the environment");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private ConfigException bad(String key, String value, String expected) {
        String full = prefix + key;
        String origin = prefix.isEmpty() && env.containsKey(envName(full)) ? envName(full) : fileName;
        return new ConfigException(
                "invalid " + full + " = '" + value + "' (from " + origin + "): expected " + expected);
    }

    static Optional<Duration> parseDuration(String text) {
        Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(text);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return Optional.of(
                    switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        case "h" -> Duration.ofHours(amount);
                        default -> Duration.ofDays(amount);
                    });
        }
        try {
            return Optional.of(Duration.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String firstLine(String message) {
        return message == null ? "unknown error" : message.lines().findFirst().orElse(message);
    }
}
