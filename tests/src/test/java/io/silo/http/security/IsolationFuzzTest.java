package io.silo.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.json.Json;
import io.silo.template.TemplateCatalog;
import io.silo.testing.TestClock;
import io.silo.testing.TestSilo;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The isolation fuzzer (issue 15): two organizations with members of every role; canaries planted in
 * every field, file and collection of tenant B, its members, its organization record and its activity
 * log ({@link CanaryPlanter}); then random requests over every route the server registers, as tenant
 * A's members, as nobody and with forged, altered, expired and revoked credentials, aimed at B's ids,
 * slugs, services, collections, cursors, tokens and file URLs ({@link RequestMutator}). It fails when an
 * answer A sees holds a canary or identifier of B, one of A's private values, a hidden value for the
 * role it is hidden from, a 5xx, a stack trace or a non-problem error, or when a platform route or a
 * member route answers someone it must not ({@link LeakChecker}).
 *
 * <p>A fixed seed and {@value #DEFAULT_REQUESTS} requests by default, which CI runs; {@code
 * -Dfuzz.seed=N} another sequence, {@code -Dfuzz.requests=N} a longer run:
 *
 * <pre>
 * ./mvnw -pl tests surefire:test -Dtest=IsolationFuzzTest -Dfuzz.requests=20000 -Dfuzz.seed=7
 * </pre>
 *
 * <p>A failure prints the seed, the request's number, the request and the answer. The run is the same
 * sequence of requests for a seed (the ids in them are the server's, so they differ between runs).
 *
 * <p><b>A new route</b> fails {@link #everyRouteOfTheServerHasAGenerator()} until it gets one line in
 * {@link RouteGenerators}: {@code members("GET /api/things/{id}", fuzz -> fuzz.get(...))}, or {@code
 * open(...)} / {@code platform(...)} for who it answers; a new service feature may need a value in
 * {@link RequestMutator} and, when it keeps data, a canary in {@link CanaryPlanter}.
 */
class IsolationFuzzTest {
    static final int DEFAULT_REQUESTS = 4000;
    private static final long SEED = Long.getLong("fuzz.seed", 15L);
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", DEFAULT_REQUESTS);
    private static final int MAX_FINDINGS = 10;
    private static final TestClock CLOCK = new TestClock();

    private static TestSilo silo;
    private static Path servicesDir;

    @BeforeAll
    static void start() throws URISyntaxException {
        servicesDir = Path.of(IsolationFuzzTest.class
                .getClassLoader()
                .getResource("templates/fuzz")
                .toURI());
        silo = TestSilo.start(
                1,
                Map.of("SILO_SERVICES_DIR", servicesDir.toString()),
                SiloOptions.server().withClock(CLOCK));
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void everyRouteOfTheServerHasAGenerator() {
        Set<String> registered = silo.silo().routes().stream()
                .map(route -> route.method() + " " + route.path())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> generated = new TreeSet<>(RouteGenerators.all().keySet());

        assertThat(difference(registered, generated))
                .as("routes without a generator: add one line each to RouteGenerators")
                .isEmpty();
        assertThat(difference(generated, registered))
                .as("generators for routes the server does not have")
                .isEmpty();
    }

    @Test
    void tenantASeesNothingOfTenantBWhateverItSendsToAnyRoute() {
        long began = System.nanoTime();
        FuzzWorld world = world();
        long planted = System.nanoTime();
        Map<String, RouteGenerators.Generator> table = RouteGenerators.all();
        List<String> routes = silo.silo().routes().stream()
                .map(route -> route.method() + " " + route.path())
                .filter(table::containsKey)
                .sorted()
                .collect(Collectors.toCollection(ArrayList::new));
        Random random = new Random(SEED);
        RequestMutator fuzz = new RequestMutator(random, world, new Forgery(random));
        LeakChecker checker = checker(world);
        FuzzHttp http = new FuzzHttp(silo.uri());
        assertCheckerSeesALeak(world, checker, http);
        boolean trace = Boolean.getBoolean("fuzz.trace");
        Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();
        Map<String, Integer> callers = new TreeMap<>();
        List<String> findings = new ArrayList<>();

        for (int i = 0; i < REQUESTS && findings.size() < MAX_FINDINGS; i++) {
            if (i % routes.size() == 0) {
                Collections.shuffle(routes, random);
            }
            String route = routes.get(i % routes.size());
            RouteGenerators.Generator generator = table.get(route);
            fuzz.route(route);
            FuzzRequest request = generator.generator().next(fuzz);
            FuzzResponse response;
            try {
                response = http.send(request);
            } catch (RuntimeException e) {
                findings.add(finding(i, request, "no answer: " + e, Optional.empty()));
                continue;
            }
            statuses.computeIfAbsent(route, key -> new TreeMap<>()).merge(response.status(), 1, Integer::sum);
            callers.merge(request.caller().label(), 1, Integer::sum);
            List<String> problems = checker.check(request, generator.access(), response);
            checker.remember(request);
            learn(world, request, response);
            if (trace) {
                System.out.println("#" + i + " " + request.caller().label() + " " + request.method() + " "
                        + request.path() + " -> " + response.status() + " "
                        + (response.status() >= 400 ? response.bodyText() : ""));
            }
            if (!problems.isEmpty()) {
                findings.add(finding(i, request, String.join("; ", problems), Optional.of(response)));
            }
        }
        long ended = System.nanoTime();

        System.out.println(summary(statuses, callers, planted - began, ended - planted));
        assertThat(findings)
                .as("isolation fuzzer, seed %d (rerun with -Dfuzz.seed=%d -Dfuzz.requests=%d)", SEED, SEED, REQUESTS)
                .isEmpty();
        assertThat(statuses.keySet())
                .as("every route was fuzzed")
                .containsAll(routes.subList(0, Math.min(REQUESTS, routes.size())));
    }

    /**
     * The checker itself: B's administrator's own listing of its vault, judged as if A had received
     * it, holds B's canaries and ids; A's administrator's own listing holds no private value.
     */
    private static void assertCheckerSeesALeak(FuzzWorld world, LeakChecker checker, FuzzHttp http) {
        Caller alphaAdmin = world.callers().getFirst();
        TenantSide.Member admin = world.beta().admin();
        String betaToken = http.expect(
                        200,
                        "POST",
                        "/api/auth/login",
                        Optional.empty(),
                        Optional.of(Map.of(
                                "organization",
                                world.beta().slug,
                                "email",
                                admin.email(),
                                "password",
                                admin.password())))
                .path("accessToken")
                .asString();
        FuzzRequest listing = new FuzzRequest(
                "GET /api/data/{service}/{collection}",
                "GET",
                "/api/data/vault/boxes",
                Map.of(),
                Optional.empty(),
                alphaAdmin);
        FuzzResponse betas = http.send(listing.as(Caller.forged("set-up", "Bearer " + betaToken)));
        assertThat(betas.status()).isEqualTo(200);
        assertThat(checker.check(listing, RouteAccess.FOR_MEMBERS, betas))
                .as("B's own answer, seen by A, is a leak")
                .anyMatch(finding -> finding.startsWith("a canary of tenant B"))
                .anyMatch(finding -> finding.startsWith("an identifier of tenant B"));
        FuzzResponse own = http.send(listing);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.bodyText()).as("A's secret box is listed").contains("alpha-secret-box");
        assertThat(checker.check(listing, RouteAccess.FOR_MEMBERS, own)).isEmpty();
    }

    /** Plants B first, then lets B's tokens and signed URLs expire, then makes A, whose tokens must stay valid. */
    private static FuzzWorld world() {
        FuzzHttp http = new FuzzHttp(silo.uri());
        TemplateCatalog templates = TemplateCatalog.load(Optional.of(servicesDir));
        String run = String.format(Locale.ROOT, "%06x", System.nanoTime() & 0xffffff);
        Canaries canaries = new Canaries(Long.parseLong(run, 16));
        CanaryPlanter planter = new CanaryPlanter(http, templates, canaries, run);
        TenantSide beta = planter.beta(adminToken(http));
        String betaExpired = beta.admin().accessToken();
        CLOCK.advance(Duration.ofHours(2));
        String password = "alpha password " + run;
        TenantSide alpha = planter.alpha(adminToken(http), password);
        String privateValue = canaries.privateOfA();
        String hiddenValue = canaries.hiddenOfA();
        planter.plantSecretsOfA(alpha, privateValue, hiddenValue);
        List<Caller> callers = new ArrayList<>();
        alpha.members
                .values()
                .forEach(member ->
                        callers.add(Caller.member("member:" + member.label(), member.accessToken(), member.id())));
        callers.addAll(new Forgery(new Random(SEED)).callers(alpha, beta, betaExpired, alpha.accessTokens.getFirst()));
        return new FuzzWorld(
                alpha, beta, templates, callers, canaries.issued(), Set.of(privateValue), Set.of(hiddenValue));
    }

    private static String adminToken(FuzzHttp http) {
        return http.expect(
                        200,
                        "POST",
                        "/api/admin/auth/login",
                        Optional.empty(),
                        Optional.of(Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD)))
                .path("accessToken")
                .asString();
    }

    private static LeakChecker checker(FuzzWorld world) {
        TenantSide beta = world.beta();
        Set<String> identifiers = new HashSet<>(
                List.of(beta.id, beta.slug, beta.jobId, beta.idempotencyKey, beta.corsOrigin.replace("https://", "")));
        beta.members
                .values()
                .forEach(member -> identifiers.addAll(List.of(member.id(), member.email(), member.username())));
        identifiers.addAll(beta.spareUsers);
        beta.documents.values().forEach(identifiers::addAll);
        beta.files.forEach(file -> identifiers.add(file.fileId()));
        identifiers.addAll(beta.databases.values());
        Set<String> lower =
                identifiers.stream().map(text -> text.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        return new LeakChecker(lower, world.privateOfA(), world.hiddenOfA(), Set.of("member:low", "member:low2"));
    }

    /** What A made that later requests may aim at: its new documents and users. */
    private static void learn(FuzzWorld world, FuzzRequest request, FuzzResponse response) {
        if (response.status() != 201 || request.caller().kind() != Caller.Kind.MEMBER) {
            return;
        }
        String id = Json.read(new String(response.body(), StandardCharsets.UTF_8))
                .path(request.route().startsWith("POST /api/data/") ? "_id" : "id")
                .asString("");
        if (request.route().equals("POST /api/users")) {
            world.alpha().spareUsers.add(id);
        } else if (request.route().equals("POST /api/data/{service}/{collection}")) {
            String[] parts = request.path().split("[/?]");
            world.alpha().addDocument(parts[3], parts[4], id);
        }
    }

    private static String finding(int number, FuzzRequest request, String problem, Optional<FuzzResponse> response) {
        return "\n#" + number + " (seed " + SEED + "): " + problem + "\n--- request " + request.describe()
                + "\n--- response " + response.map(FuzzResponse::describe).orElse("none") + "\n";
    }

    private static String summary(
            Map<String, Map<Integer, Integer>> statuses,
            Map<String, Integer> callers,
            long setUpNanos,
            long fuzzNanos) {
        int total = statuses.values().stream()
                .flatMap(counts -> counts.values().stream())
                .mapToInt(Integer::intValue)
                .sum();
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT,
                "isolation fuzzer: seed %d, %d requests over %d routes in %.1f s (set-up %.1f s)%n",
                SEED,
                total,
                statuses.size(),
                fuzzNanos / 1e9,
                setUpNanos / 1e9));
        statuses.forEach((route, counts) -> text.append(String.format(
                Locale.ROOT,
                "  %-62s %5d  %s%n",
                route,
                counts.values().stream().mapToInt(Integer::intValue).sum(),
                counts)));
        text.append("  callers: ").append(callers).append('\n');
        return text.toString();
    }

    private static Set<String> difference(Set<String> left, Set<String> right) {
        Set<String> rest = new TreeSet<>(left);
        rest.removeAll(right);
        return rest;
    }
}
