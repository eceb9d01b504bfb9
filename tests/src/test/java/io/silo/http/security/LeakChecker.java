package io.silo.http.security;

import io.silo.json.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Judges each answer tenant A's callers get. A finding is:
 *
 * <ul>
 *   <li>a canary of tenant B anywhere in the headers or body (also inside base64url text such as a
 *       cursor), unless the request itself carried it: an echo of what A sent is no leak;
 *   <li>an identifier of B (an id, its slug, a login name, a database name, a file id …) that neither
 *       this request nor any earlier write of A carried outside its path: A may store B's ids in its
 *       own documents, and then reads them back;
 *   <li>one of A's private field values, in any answer; a field hidden from a role, in an answer to
 *       that role;
 *   <li>a 5xx, a stack trace or an exception's name, an error that is not a problem document;
 *   <li>a 2xx for a platform-administrator route, or, for a forged credential or nobody, for a route
 *       that needs a member.
 * </ul>
 *
 * <p>Not thread-safe: it remembers what A has written.
 */
final class LeakChecker {
    private static final Pattern STACK_TRACE =
            Pattern.compile("Exception|\\tat [\\w$.]+\\(|\\.java:\\d+\\)|\\bat (?:io|java|jdk|org|com)\\.[\\w$.]+\\(");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]{16,}");

    private final Set<String> betaIdentifiers;
    private final Set<String> privateOfA;
    private final Set<String> hiddenOfA;
    private final Set<String> callersHiddenFrom;
    private final Set<String> tainted = new HashSet<>();

    /**
     * @param betaIdentifiers B's ids, slug, login names, database names …, in lower case
     * @param privateOfA values of A's private fields
     * @param hiddenOfA values of A's fields hidden from some roles
     * @param callersHiddenFrom the labels of the callers that must not see {@code hiddenOfA}
     */
    LeakChecker(
            Set<String> betaIdentifiers, Set<String> privateOfA, Set<String> hiddenOfA, Set<String> callersHiddenFrom) {
        this.betaIdentifiers = Set.copyOf(betaIdentifiers);
        this.privateOfA = Set.copyOf(privateOfA);
        this.hiddenOfA = Set.copyOf(hiddenOfA);
        this.callersHiddenFrom = Set.copyOf(callersHiddenFrom);
    }

    /** What is wrong with {@code response} to {@code request} of a route of {@code access}; empty if nothing. */
    List<String> check(FuzzRequest request, RouteAccess access, FuzzResponse response) {
        List<String> findings = new ArrayList<>();
        String sent = expanded(request.text()).toLowerCase(Locale.ROOT);
        String answered = response.text();
        String seen = (answered.length() > 262_144 ? answered : expanded(answered)).toLowerCase(Locale.ROOT);
        Set<String> sentCanaries = canaries(sent);
        for (String canary : canaries(seen)) {
            if (!sentCanaries.contains(canary) && !tainted.contains(canary)) {
                findings.add("a canary of tenant B: " + canary);
            }
        }
        for (String identifier : betaIdentifiers) {
            if (seen.contains(identifier) && !sent.contains(identifier) && !tainted.contains(identifier)) {
                findings.add("an identifier of tenant B that A did not send: " + identifier);
            }
        }
        privateOfA.stream()
                .filter(value -> seen.contains(value.toLowerCase(Locale.ROOT)))
                .forEach(value -> findings.add("a private field's value: " + value));
        if (callersHiddenFrom.contains(request.caller().label())) {
            hiddenOfA.stream()
                    .filter(value -> seen.contains(value.toLowerCase(Locale.ROOT)))
                    .forEach(value -> findings.add("a field hidden from this role: " + value));
        }
        if (response.status() >= 500) {
            findings.add("a server error " + response.status());
        }
        Matcher trace = STACK_TRACE.matcher(answered);
        if (trace.find()) {
            findings.add("an exception or stack frame: '" + trace.group() + "'");
        }
        if (response.status() >= 400) {
            problemDocument(response).ifPresent(findings::add);
        }
        if (response.status() < 300 && !access.answers(request.caller())) {
            findings.add("a " + response.status() + " for " + request.caller().label() + " on a route "
                    + access.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        return findings;
    }

    /** Remembers what a write of A carried: A may read it back from its own data later. */
    void remember(FuzzRequest request) {
        if (!request.writes()) {
            return;
        }
        String sent = expanded(request.storableText()).toLowerCase(Locale.ROOT);
        tainted.addAll(canaries(sent));
        betaIdentifiers.stream().filter(sent::contains).forEach(tainted::add);
    }

    private static Set<String> canaries(String text) {
        Set<String> found = new HashSet<>();
        Matcher matcher = Canaries.PATTERN.matcher(text);
        while (matcher.find()) {
            found.add(Canaries.canonical(matcher.group()).toLowerCase(Locale.ROOT));
        }
        return found;
    }

    /** The text, its URL-decoded form and what its base64url runs decode to (cursors, tokens). */
    private static String expanded(String text) {
        StringBuilder all = new StringBuilder(text).append('\n');
        try {
            all.append(URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8))
                    .append('\n');
        } catch (IllegalArgumentException malformed) {
            // a deliberately broken escape: the raw text is all there is
        }
        Matcher run = BASE64URL.matcher(text);
        while (run.find()) {
            try {
                all.append(new String(Base64.getUrlDecoder().decode(run.group()), StandardCharsets.ISO_8859_1))
                        .append('\n');
            } catch (IllegalArgumentException notBase64) {
                // a run of letters that is no base64url: nothing hidden in it
            }
        }
        return all.toString();
    }

    private static java.util.Optional<String> problemDocument(FuzzResponse response) {
        String type = response.header("Content-Type").orElse("");
        if (!type.startsWith("application/problem+json")) {
            return java.util.Optional.of("an error without a problem document (Content-Type '" + type + "')");
        }
        try {
            JsonNode problem = Json.read(new String(response.body(), StandardCharsets.UTF_8));
            if (!problem.path("type").asString().startsWith("urn:silo:problem:")
                    || problem.path("status").asInt() != response.status()) {
                return java.util.Optional.of("a problem document without its type or status");
            }
            return java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.of("a problem document that is not JSON");
        }
    }
}
