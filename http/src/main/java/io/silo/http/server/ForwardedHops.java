package io.silo.http.server;

import io.silo.config.AddressRange;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The hops a request went through, as proxies write them: {@code Forwarded} (RFC 7239) or
 * {@code X-Forwarded-For} with {@code X-Forwarded-Proto}. Reading is strict about form and says
 * "malformed" (empty) rather than guess; it never looks a name up.
 *
 * <p>Stateless and thread-safe.
 */
final class ForwardedHops {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}|_[0-9A-Za-z._-]+");

    private ForwardedHops() {}

    /**
     * One hop: the node that sent the request on ({@code for}), and the scheme it used, when said.
     *
     * @param node as written: an address, possibly with a port, {@code unknown}, or an obfuscated name
     */
    record Hop(String node, Optional<String> proto) {}

    /**
     * The hops of {@code Forwarded} header values (all lines of it, in order), leftmost first; empty when
     * any element is malformed or names no {@code for}.
     */
    static Optional<List<Hop>> forwarded(List<String> values) {
        List<Hop> hops = new ArrayList<>();
        for (String element : split(String.join(",", values), ',')) {
            if (element.isBlank()) {
                continue; // "a, , b" is allowed by the list rule of RFC 7230
            }
            Optional<Hop> hop = element(element);
            if (hop.isEmpty()) {
                return Optional.empty();
            }
            hops.add(hop.get());
        }
        return hops.isEmpty() ? Optional.empty() : Optional.of(hops);
    }

    private static Optional<Hop> element(String element) {
        String node = null;
        String proto = null;
        for (String pair : split(element, ';')) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals < 0) {
                return Optional.empty();
            }
            String name = pair.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            Optional<String> value = value(pair.substring(equals + 1).trim());
            if (!TOKEN.matcher(name).matches() || value.isEmpty()) {
                return Optional.empty();
            }
            switch (name) {
                case "for" -> node = value.get();
                case "proto" -> proto = value.get();
                default -> {
                    // by, host and extensions say nothing of the client
                }
            }
        }
        return node == null ? Optional.empty() : Optional.of(new Hop(node, Optional.ofNullable(proto)));
    }

    /** A token, or a quoted string with its escapes undone. */
    private static Optional<String> value(String text) {
        if (TOKEN.matcher(text).matches()) {
            return Optional.of(text);
        }
        if (text.length() < 2 || text.charAt(0) != '"' || text.charAt(text.length() - 1) != '"') {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                if (++i == text.length() - 1) {
                    return Optional.empty();
                }
                c = text.charAt(i);
            } else if (c == '"') {
                return Optional.empty();
            }
            out.append(c);
        }
        return Optional.of(out.toString());
    }

    /** Splits at {@code separator} outside quoted strings; an unclosed quote keeps the rest in one part. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\' && i + 1 < text.length()) {
                part.append(c).append(text.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(part.toString().trim());
                part.setLength(0);
                continue;
            }
            part.append(c);
        }
        parts.add(part.toString().trim());
        return parts;
    }

    /**
     * The hops of {@code X-Forwarded-For}, leftmost first, each with its {@code X-Forwarded-Proto}: the
     * value at the same place when both list as many, else the last one (which the proxy next to Silo
     * set). Empty when {@code X-Forwarded-For} lists nothing.
     */
    static Optional<List<Hop>> xForwarded(List<String> forwardedFor, List<String> forwardedProto) {
        List<String> nodes = split(String.join(",", forwardedFor), ',').stream()
                .filter(node -> !node.isEmpty())
                .toList();
        List<String> protos = split(String.join(",", forwardedProto), ',').stream()
                .filter(proto -> !proto.isEmpty())
                .toList();
        if (nodes.isEmpty()) {
            return Optional.empty();
        }
        List<Hop> hops = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Optional<String> proto = protos.size() == nodes.size()
                    ? Optional.of(protos.get(i))
                    : protos.isEmpty() ? Optional.empty() : Optional.of(protos.getLast());
            hops.add(new Hop(nodes.get(i), proto));
        }
        return Optional.of(hops);
    }

    /**
     * The address of a node: {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code [2001:db8::1]},
     * {@code [2001:db8::1]:4711}, or (as {@code X-Forwarded-For} writes it) {@code 2001:db8::1}. Empty for
     * {@code unknown}, an obfuscated name ({@code _hidden}) or anything malformed.
     */
    static Optional<InetAddress> address(String node) {
        if (node.startsWith("[")) {
            int close = node.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            String rest = node.substring(close + 1);
            if (!rest.isEmpty()
                    && !(rest.startsWith(":") && PORT.matcher(rest.substring(1)).matches())) {
                return Optional.empty();
            }
            return AddressRange.literal(node.substring(0, close + 1));
        }
        int colon = node.indexOf(':');
        if (colon >= 0 && colon == node.lastIndexOf(':')) {
            return PORT.matcher(node.substring(colon + 1)).matches()
                    ? AddressRange.literal(node.substring(0, colon)).filter(address -> address.getAddress().length == 4)
                    : Optional.empty();
        }
        return AddressRange.literal(node);
    }
}
