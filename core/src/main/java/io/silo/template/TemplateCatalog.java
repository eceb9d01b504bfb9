package io.silo.template;

import io.silo.config.ConfigException;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every service template Silo knows: those shipped in {@code services/} (bundled in the core jar)
 * and those of the operator's {@code services.dir}, which may add services or replace a shipped
 * one, except {@code core}. Loaded at start-up, where an invalid template stops Silo with an
 * {@code invalid-template} {@link SiloException} that names the file, the place and the value, and
 * again by a reload ({@link #adopt}).
 *
 * <p>Besides each service's newest version, the catalog holds the earlier versions that were
 * released, one file each in a {@code history/} folder beside it ({@code history/billing-v1.yaml}),
 * so that a database a rollout has not reached yet is served under its own version's schemas,
 * roles and rules ({@link #at}). An earlier version must be a true ancestor of the newest: its
 * migrations the newest's first ones, unchanged.
 *
 * <p>A catalog can take in the same folders read again ({@link #adopt}), so that a new version is
 * served and rolled out without a restart: only what a running Silo can take, versions added
 * beside those it serves, each of which stays as it is.
 *
 * <p>Thread-safe: each method answers from one state, which {@link #adopt} replaces whole.
 */
public final class TemplateCatalog {
    /**
     * The shipped templates, {@code services/<name>.yaml} on the class path. Listed, not
     * discovered, because a class-path directory cannot be listed inside a jar; a unit test keeps
     * this list and the repository's {@code services/} in step.
     */
    public static final List<String> BUILT_IN = List.of("core", "billing", "crm", "pingora", "pos", "erp", "school");

    private static final Logger log = LoggerFactory.getLogger(TemplateCatalog.class);

    private static final String HISTORY = "history";

    private final AtomicReference<State> state;
    /** The largest file any collection allowed when this catalog was made: the HTTP listener's upload limit. */
    private final long uploadLimit;

    /**
     * What a catalog answers from.
     *
     * @param sources where each template was read from, for messages that must name the file
     * @param earlier service to its earlier released versions, by version
     */
    private record State(
            Map<String, ServiceTemplate> templates,
            Map<String, String> sources,
            Map<String, Map<Integer, ServiceTemplate>> earlier) {}

    private TemplateCatalog(
            Map<String, ServiceTemplate> templates,
            Map<String, String> sources,
            Map<String, Map<Integer, ServiceTemplate>> earlier) {
        this.state = new AtomicReference<>(new State(templates, sources, earlier));
        this.uploadLimit = largestFile();
    }

    /** The shipped templates, overlaid with those of {@code userDirectory} when given. */
    public static TemplateCatalog load(Optional<Path> userDirectory) {
        Map<String, ServiceTemplate> all = shipped();
        Map<String, String> sources = new TreeMap<>();
        all.keySet().forEach(name -> sources.put(name, "services/" + name + ".yaml"));
        Map<String, Map<Integer, ServiceTemplate>> earlier = shippedHistory(all);
        userDirectory.ifPresent(directory -> overlay(all, sources, earlier, directory));
        return new TemplateCatalog(
                of(all.values()).state.get().templates(), Collections.unmodifiableMap(sources), frozen(earlier));
    }

    /** The file {@code service}'s template was read from, e.g. {@code services/billing.yaml}. */
    public String source(String service) {
        return state.get().sources().getOrDefault(service, "services/" + service + ".yaml");
    }

    /** A service whose newest version {@link #adopt} raised. */
    public record Raised(String service, int from, int to) {}

    /**
     * From now on answers from {@code newer}, the same folders read again, when a running Silo can
     * take it: the same services; each version this catalog serves still there, unchanged, as a
     * database may be at any of them; and no file limit above the largest this catalog allowed when
     * it was made (the HTTP listener's upload limit is set at start). Nothing changes otherwise.
     *
     * @return the services whose newest version rose; empty when {@code newer} holds what this does
     * @throws SiloException {@code template-reload-refused}, one line per problem ({@code errors})
     */
    public synchronized List<Raised> adopt(TemplateCatalog newer) {
        State old = state.get();
        State next = newer.state.get();
        List<String> problems = new ArrayList<>();
        List<Raised> raised = new ArrayList<>();
        for (String service : old.templates().keySet()) {
            if (!next.templates().containsKey(service)) {
                problems.add(source(service) + ": service " + service
                        + " is gone; a service is removed by restarting Silo without it");
            }
        }
        next.templates().forEach((service, template) -> {
            ServiceTemplate current = old.templates().get(service);
            if (current == null) {
                problems.add(newer.source(service) + ": service " + service
                        + " is new; a service is added by restarting Silo with it");
            } else if (template.version() < current.version()) {
                problems.add(newer.source(service) + ": version " + template.version() + " is below version "
                        + current.version() + ", which this Silo serves; a version is never taken back");
            } else {
                problems.addAll(kept(old, newer, service));
                if (template.version() > current.version()) {
                    raised.add(new Raised(service, current.version(), template.version()));
                }
            }
        });
        if (newer.largestFile() > uploadLimit) {
            problems.add("a file limit of " + newer.largestFile() + " bytes is above the largest this Silo started"
                    + " with (" + uploadLimit + "), which the HTTP listener took; restart Silo to raise it");
        }
        if (!problems.isEmpty()) {
            throw reloadRefused(problems);
        }
        state.set(next);
        return List.copyOf(raised);
    }

    /** A reload refused, nothing changed: {@code template-reload-refused}, one line per problem ({@code errors}). */
    public static SiloException reloadRefused(List<String> problems) {
        return ProblemType.TEMPLATE_RELOAD_REFUSED
                .exception(String.join("\n", problems))
                .with("errors", List.copyOf(problems));
    }

    /** What is wrong with each version of {@code service} this catalog serves, as {@code newer} holds it. */
    private static List<String> kept(State old, TemplateCatalog newer, String service) {
        List<String> problems = new ArrayList<>();
        List<ServiceTemplate> served =
                new ArrayList<>(old.earlier().getOrDefault(service, Map.of()).values());
        served.add(old.templates().get(service));
        for (ServiceTemplate template : served) {
            Optional<ServiceTemplate> there = newer.at(service, template.version());
            if (there.isEmpty()) {
                problems.add(newer.source(service) + ": version " + template.version() + " of " + service
                        + " is served here and is missing (keep it as " + historyFile(service, template.version())
                        + "): databases not migrated yet are served under it");
            } else if (!there.get().checksum().equals(template.checksum())) {
                problems.add(newer.source(service) + ": version " + template.version() + " of " + service
                        + " changed in place; a released version stays as it was (add version "
                        + (newer.require(service).version() + 1) + " instead)");
            }
        }
        return problems;
    }

    /**
     * The largest file, in bytes, any collection allowed when this catalog was made, which no reload
     * raises: the limit of the route that takes uploads. 0 when none takes files.
     */
    public long uploadLimit() {
        return uploadLimit;
    }

    /** The largest file any collection of any template allows now, in bytes; 0 when none takes files. */
    private long largestFile() {
        return state.get().templates().values().stream()
                .flatMap(template -> template.collections().values().stream())
                .map(CollectionSpec::files)
                .flatMap(Optional::stream)
                .mapToLong(FileRules::maxBytes)
                .max()
                .orElse(0);
    }

    /** The shipped templates only. */
    public static TemplateCatalog builtIn() {
        return of(shipped().values());
    }

    /**
     * A catalog of exactly {@code templates}, e.g. for tests.
     *
     * @throws SiloException {@code invalid-template} when two share a service name or none is {@code core}
     */
    public static TemplateCatalog of(Collection<ServiceTemplate> templates) {
        Map<String, ServiceTemplate> byName = new LinkedHashMap<>();
        templates.stream()
                .sorted(Comparator.comparing((ServiceTemplate t) -> !t.isCore())
                        .thenComparing(ServiceTemplate::service))
                .forEach(template -> {
                    if (byName.putIfAbsent(template.service(), template) != null) {
                        throw Problems.invalid(List.of("service " + template.service() + " is defined twice"));
                    }
                });
        if (!byName.containsKey(ServiceTemplate.CORE)) {
            throw Problems.invalid(List.of("no template for service core, which every tenant has"));
        }
        return new TemplateCatalog(Collections.unmodifiableMap(byName), Map.of(), Map.of());
    }

    /** The template of {@code service}, if there is one. */
    public Optional<ServiceTemplate> find(String service) {
        return Optional.ofNullable(state.get().templates().get(service));
    }

    /**
     * The template of {@code service}.
     *
     * @throws SiloException {@code unknown-service} (404) naming the known services
     */
    public ServiceTemplate require(String service) {
        Map<String, ServiceTemplate> templates = state.get().templates();
        return Optional.ofNullable(templates.get(service))
                .orElseThrow(() -> ProblemType.UNKNOWN_SERVICE
                        .exception("unknown service '" + service + "'; the services are "
                                + String.join(", ", templates.keySet()))
                        .with("services", List.copyOf(templates.keySet())));
    }

    /**
     * The template of {@code service} at {@code version}: the newest when that is its version, else
     * the released earlier version kept in {@code history/}; empty when this catalog has neither (a
     * version newer than this release knows, or an earlier one whose file was not kept).
     */
    public Optional<ServiceTemplate> at(String service, int version) {
        State current = state.get();
        ServiceTemplate newest = current.templates().get(service);
        if (newest == null) {
            return Optional.empty();
        }
        if (newest.version() == version) {
            return Optional.of(newest);
        }
        return Optional.ofNullable(
                current.earlier().getOrDefault(service, Map.of()).get(version));
    }

    /**
     * Where an earlier released version of {@code service} is kept, relative to its services folder:
     * {@code history/billing-v1.yaml}.
     */
    public static String historyFile(String service, int version) {
        return HISTORY + "/" + service + "-v" + version + ".yaml";
    }

    /** The earlier versions of {@code service} this catalog holds, oldest first. */
    public List<Integer> earlierVersions(String service) {
        return List.copyOf(new java.util.TreeSet<>(
                state.get().earlier().getOrDefault(service, Map.of()).keySet()));
    }

    /** Every template, {@code core} first, then by service name. */
    public List<ServiceTemplate> all() {
        return List.copyOf(state.get().templates().values());
    }

    /** The {@code core} template: users, memberships, settings, outbox. */
    public ServiceTemplate core() {
        return state.get().templates().get(ServiceTemplate.CORE);
    }

    private static void overlay(
            Map<String, ServiceTemplate> all,
            Map<String, String> sources,
            Map<String, Map<Integer, ServiceTemplate>> earlier,
            Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new ConfigException("services.dir " + directory + " is not a directory");
        }
        List<String> problems = new ArrayList<>();
        Map<String, Path> seen = new TreeMap<>();
        for (Path file : yamlFiles(directory)) {
            try {
                ServiceTemplate template = fromFile(file);
                Path first = seen.putIfAbsent(template.service(), file);
                if (first != null) {
                    problems.add(file + ": service " + template.service() + " is already defined by " + first);
                } else if (template.isCore()) {
                    problems.add(file + ": the core service cannot be replaced; Silo's own code depends on its tables");
                } else {
                    sources.put(template.service(), file.toString());
                    // a replaced service's shipped history is not the history of the operator's file
                    earlier.remove(template.service());
                    if (all.put(template.service(), template) != null) {
                        log.info("services.dir: {} replaces the shipped {} template", file, template.service());
                    }
                }
            } catch (SiloException e) {
                problems.add(e.getMessage());
            }
        }
        Path history = directory.resolve(HISTORY);
        if (problems.isEmpty() && Files.isDirectory(history)) {
            for (Path file : yamlFiles(history)) {
                String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
                try {
                    String service = historyService(file.toString(), name);
                    if (!seen.containsKey(service)) {
                        throw Problems.invalid(List.of(file + ": " + directory + " defines no service '" + service
                                + "'; an earlier version belongs beside its newest"));
                    }
                    addEarlier(earlier, all.get(service), file.toString(), name, TemplateLoader.load(file));
                } catch (SiloException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw Problems.invalid(problems);
        }
    }

    /**
     * The shipped earlier versions: {@code services/history/<service>-v<n>.yaml} for every version
     * below the newest, where one was kept (probed, as a class-path folder cannot be listed).
     */
    private static Map<String, Map<Integer, ServiceTemplate>> shippedHistory(Map<String, ServiceTemplate> newest) {
        Map<String, Map<Integer, ServiceTemplate>> out = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (ServiceTemplate template : newest.values()) {
            for (int version = 1; version < template.version(); version++) {
                String name = template.service() + "-v" + version;
                String source = "services/" + historyFile(template.service(), version);
                Optional<String> text = optionalResource(source);
                if (text.isEmpty()) {
                    continue;
                }
                try {
                    addEarlier(out, template, source, name, TemplateLoader.load(source, text.get()));
                } catch (SiloException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw Problems.invalid(problems);
        }
        return out;
    }

    /** {@code billing} of {@code billing-v1}; else a problem naming the expected file name. */
    private static String historyService(String source, String fileName) {
        int dash = fileName.lastIndexOf("-v");
        if (dash <= 0 || !fileName.substring(dash + 2).matches("[0-9]{1,6}")) {
            throw Problems.invalid(List.of(
                    source + ": an earlier version's file is named <service>-v<version>.yaml, e.g. billing-v1.yaml"));
        }
        return fileName.substring(0, dash);
    }

    /**
     * Checks that {@code old} is what its file name says and an ancestor of {@code newest}, then
     * adds it.
     */
    private static void addEarlier(
            Map<String, Map<Integer, ServiceTemplate>> earlier,
            ServiceTemplate newest,
            String source,
            String fileName,
            ServiceTemplate old) {
        String expected = old.service() + "-v" + old.version();
        if (!fileName.equals(expected)) {
            throw Problems.invalid(List.of(source + ": it holds version " + old.version() + " of service '"
                    + old.service() + "'; name the file " + expected + ".yaml"));
        }
        if (old.version() >= newest.version()) {
            throw Problems.invalid(List.of(
                    source + ": version " + old.version() + " is not earlier than the newest, " + newest.version()));
        }
        for (int i = 0; i < old.migrations().size(); i++) {
            if (!old.migrations()
                    .get(i)
                    .checksum()
                    .equals(newest.migrations().get(i).checksum())) {
                throw Problems.invalid(List.of(source + ": migrations[" + i + "] (version "
                        + old.migrations().get(i).version() + ") differs from the newest template's;"
                        + " a released version's file stays as it was released"));
            }
        }
        earlier.computeIfAbsent(old.service(), service -> new TreeMap<>()).put(old.version(), old);
    }

    private static Map<String, Map<Integer, ServiceTemplate>> frozen(
            Map<String, Map<Integer, ServiceTemplate>> earlier) {
        Map<String, Map<Integer, ServiceTemplate>> out = new TreeMap<>();
        earlier.forEach((service, versions) -> out.put(service, Collections.unmodifiableMap(new TreeMap<>(versions))));
        return Collections.unmodifiableMap(out);
    }

    private static List<Path> yamlFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> Files.isRegularFile(file)
                            && (file.toString().endsWith(".yaml")
                                    || file.toString().endsWith(".yml")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list services.dir " + directory, e);
        }
    }

    private static ServiceTemplate fromFile(Path file) {
        ServiceTemplate template = TemplateLoader.load(file);
        checkFileName(file.toString(), file.getFileName().toString().replaceFirst("\\.ya?ml$", ""), template);
        return template;
    }

    /** A file named after another service is a copy someone forgot to finish; refusing it saves an hour. */
    private static void checkFileName(String source, String fileName, ServiceTemplate template) {
        if (!fileName.equals(template.service())) {
            throw Problems.invalid(List.of(source + ": service: '" + template.service()
                    + "' does not match the file name;" + " name the file " + template.service() + ".yaml"));
        }
    }

    private static Map<String, ServiceTemplate> shipped() {
        Map<String, ServiceTemplate> out = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (String name : BUILT_IN) {
            String source = "services/" + name + ".yaml";
            try {
                ServiceTemplate template = TemplateLoader.load(source, resource(source));
                checkFileName(source, name, template);
                out.put(name, template);
            } catch (SiloException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw Problems.invalid(problems);
        }
        return out;
    }

    private static Optional<String> optionalResource(String path) {
        try (InputStream in = TemplateCatalog.class.getClassLoader().getResourceAsStream(path)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " from the class path", e);
        }
    }

    private static String resource(String path) {
        try (InputStream in = TemplateCatalog.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw Problems.invalid(List.of(path + ": missing from the class path; is the core jar complete?"));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " from the class path", e);
        }
    }
}
