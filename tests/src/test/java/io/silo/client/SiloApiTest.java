package io.silo.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Java client against a live Silo: sign-in and one refresh at a time, the collections API with
 * typed filters and update operators, batches, idempotency keys, files, users, and problem documents
 * as {@link SiloProblemException}.
 */
@SiloTest
class SiloApiTest {
    private final TestSilo silo;
    private final TestTenant shop;

    SiloApiTest(TestSilo silo, SiloClient client) {
        this.silo = silo;
        this.shop = TestTenants.create(client, "Client Shop " + System.nanoTime(), List.of("pos"));
    }

    /** A product of the shop as an application would type it. */
    record Product(String _id, long _version, String name, String sku, BigDecimal price, Optional<Integer> stock) {}

    private SiloApi signedIn() {
        SiloApi api = SiloApi.connect(silo.uri());
        api.signIn(SignIn.member(shop.slug(), shop.adminEmail(), TestTenants.PASSWORD));
        return api;
    }

    @Test
    void documentsAreWrittenAndFoundWithTypedFiltersSortsAndPages() {
        SiloApi api = signedIn();
        Collection<Product> products = api.collection("pos", "products", Product.class);
        for (int i = 1; i <= 7; i++) {
            products.insert(
                    Map.of("name", "Wine " + i, "sku", "W-" + i, "price", new BigDecimal(i + ".50"), "stock", i));
        }
        products.insert(Map.of("name", "Gin", "sku", "G-1", "price", 30));

        Filter affordable = Filter.and(Filter.lt("price", 5), Filter.exists("stock", true));
        Page<Product> first =
                products.query(Query.where(affordable).sort("-price").limit(2));
        assertThat(first.items()).extracting(Product::sku).containsExactly("W-4", "W-3");
        assertThat(first.nextCursor()).isPresent();
        assertThat(products.stream(Query.where(affordable).sort("-price").limit(2)))
                .extracting(Product::sku)
                .containsExactly("W-4", "W-3", "W-2", "W-1");
        assertThat(products.count(Filter.or(Filter.eq("sku", "G-1"), Filter.in("sku", List.of("W-1", "W-2")))))
                .isEqualTo(3);
        assertThat(products.count(Filter.where("stock", Condition.gte(2), Condition.lt(5))))
                .isEqualTo(3);
        assertThat(products.count(Filter.where("stock", Condition.not(Condition.gt(2)))))
                .as("a negation matches the product without stock too")
                .isEqualTo(3);
        assertThat(products.count(Filter.not(Filter.nin("sku", List.of("G-1")))))
                .isEqualTo(1);

        Product gin =
                products.query(Query.where(Filter.eq("sku", "G-1"))).items().get(0);
        assertThat(gin.stock()).isEmpty();
        Product stocked =
                products.update(gin._id(), Update.inc("stock", 5).andSet("category", "spirits"), WriteOptions.none());
        assertThat(stocked.stock()).contains(5);
        Product renamed = products.patch(
                gin._id(), Map.of("name", "Dry Gin"), WriteOptions.none().ifVersion(2));
        assertThat(renamed.name()).isEqualTo("Dry Gin");
        assertThat(renamed._version()).isEqualTo(3);

        Collection<JsonNode> raw = api.collection("pos", "products");
        JsonNode replaced = raw.replace(
                gin._id(), Map.of("name", "Gin", "sku", "G-1", "price", 28, "stock", 1), WriteOptions.none());
        assertThat(replaced.path("category").isMissingNode()).isTrue();
        GroupResult groups =
                raw.group(Grouping.by("stock").metric("price").orderByKeys().filter(Filter.lt("stock", 3)));
        assertThat(groups.groups()).extracting(group -> group.key().asInt()).containsExactly(1, 2);
        assertThat(groups.groups().get(0).sum().orElseThrow()).isEqualByComparingTo("29.50");

        raw.delete(gin._id());
        assertThat(raw.find(gin._id())).isEmpty();
    }

    @Test
    void refusalsArriveAsTypedProblemsWithTheirExtensionMembers() {
        Collection<JsonNode> products = signedIn().collection("pos", "products");
        JsonNode rum = products.insert(Map.of("name", "Rum", "sku", "R-1", "price", 20, "stock", 1));
        String id = rum.path("_id").asString();
        assertThatThrownBy(() -> products.find(".."))
                .as("an id that would name another route is refused before it is sent")
                .isInstanceOf(IllegalArgumentException.class);

        assertThatThrownBy(() -> products.insert(Map.of("name", "Rum again", "sku", "R-1", "price", 20)))
                .isInstanceOfSatisfying(SiloProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(409);
                    assertThat(problem.type()).isEqualTo("urn:silo:problem:duplicate-key");
                    assertThat(problem.is("duplicate-key")).isTrue();
                    assertThat(problem.title()).isNotBlank();
                    assertThat(problem.detail()).isNotBlank();
                    assertThat(problem.requestId()).isNotBlank();
                    assertThat(problem.extension("fields").orElseThrow().get(0).asString())
                            .isEqualTo("sku");
                });
        assertThatThrownBy(() -> products.patch(
                        id, Map.of("price", 21), WriteOptions.none().ifVersion(7)))
                .isInstanceOfSatisfying(SiloProblemException.class, problem -> {
                    assertThat(problem.slug()).isEqualTo("version-conflict");
                    assertThat(problem.extension("currentVersion").orElseThrow().asLong())
                            .isEqualTo(1);
                });
        assertThatThrownBy(() -> products.update(
                        id, Update.inc("stock", -2), WriteOptions.none().condition(Filter.gte("stock", 2))))
                .isInstanceOfSatisfying(
                        SiloProblemException.class,
                        problem -> assertThat(problem.slug()).isEqualTo("condition-failed"));
        assertThatThrownBy(() -> products.update(id, Update.inc("stock", -2), WriteOptions.none()))
                .isInstanceOfSatisfying(SiloProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(422);
                    assertThat(problem.slug()).isEqualTo("schema-violation");
                    assertThat(problem.extension("errors")
                                    .orElseThrow()
                                    .get(0)
                                    .path("path")
                                    .asString())
                            .isEqualTo("/stock");
                });
        assertThatThrownBy(() ->
                        products.query(Query.where(Filter.json(tools.jackson.databind.node.JsonNodeFactory.instance
                                .objectNode()
                                .set(
                                        "price",
                                        tools.jackson.databind.node.JsonNodeFactory.instance
                                                .objectNode()
                                                .put("$regex", "x"))))))
                .isInstanceOfSatisfying(
                        SiloProblemException.class,
                        problem -> assertThat(problem.slug()).isEqualTo("invalid-filter"));
        assertThat(products.get(id).path("stock").asInt())
                .as("nothing was written")
                .isEqualTo(1);
    }

    @Test
    void aWriteSentAgainWithItsIdempotencyKeyIsDoneOnce() {
        Collection<JsonNode> products = signedIn().collection("pos", "products");
        String key = WriteOptions.newIdempotencyKey();
        Map<String, Object> body = Map.of("name", "Cider", "sku", "C-1", "price", 4);

        JsonNode first = products.insert(body, WriteOptions.none().idempotencyKey(key));
        JsonNode again = products.insert(body, WriteOptions.none().idempotencyKey(key));

        assertThat(again.path("_id")).isEqualTo(first.path("_id"));
        assertThat(products.count(Filter.eq("sku", "C-1"))).isEqualTo(1);
        assertThatThrownBy(() -> products.insert(
                        Map.of("name", "Other", "sku", "C-2", "price", 4),
                        WriteOptions.none().idempotencyKey(key)))
                .isInstanceOfSatisfying(
                        SiloProblemException.class,
                        problem -> assertThat(problem.slug()).isEqualTo("idempotency-key-reused"));
    }

    @Test
    void aBatchWritesAllOrNothing() {
        SiloApi api = signedIn();
        Collection<JsonNode> products = api.collection("pos", "products");
        String beer = products.insert(Map.of("name", "Beer", "sku", "B-1", "price", 2, "stock", 10))
                .path("_id")
                .asString();
        String key = WriteOptions.newIdempotencyKey();

        List<BatchResult> results = api.batch("pos")
                .insert("products", Map.of("name", "Stout", "sku", "B-2", "price", 3))
                .patch("products", beer, Update.inc("stock", -4))
                .condition(Filter.gte("stock", 4))
                .ifVersion(1)
                .commit(key);
        assertThat(results).extracting(BatchResult::op).containsExactly("insert", "patch");
        assertThat(results.get(1).document().orElseThrow().path("stock").asInt())
                .isEqualTo(6);
        assertThat(api.batch("pos")
                        .insert("products", Map.of("name", "Stout", "sku", "B-2", "price", 3))
                        .patch("products", beer, Update.inc("stock", -4))
                        .condition(Filter.gte("stock", 4))
                        .ifVersion(1)
                        .commit(key))
                .as("replayed, not done twice")
                .hasSize(2);

        String stout = results.get(0).document().orElseThrow().path("_id").asString();
        assertThatThrownBy(() -> api.batch("pos")
                        .delete("products", stout)
                        .patch("products", beer, Update.inc("stock", -7))
                        .condition(Filter.gte("stock", 7))
                        .commit())
                .isInstanceOfSatisfying(SiloProblemException.class, problem -> {
                    assertThat(problem.slug()).isEqualTo("condition-failed");
                    assertThat(problem.extension("operation").orElseThrow().asInt())
                            .isEqualTo(1);
                });
        assertThat(products.find(stout))
                .as("the delete was undone with the batch")
                .isPresent();
        assertThat(products.get(beer).path("stock").asInt()).isEqualTo(6);
    }

    @Test
    void filesAreStoredReadAndSignedForReadingWithoutAToken() throws Exception {
        Collection<JsonNode> products = signedIn().collection("pos", "products");
        String id = products.insert(Map.of("name", "Port", "sku", "P-1", "price", 12))
                .path("_id")
                .asString();
        DocumentFiles files = products.files(id);
        byte[] image = "\u0089PNG not really, but a PNG by its type".getBytes(StandardCharsets.ISO_8859_1);

        StoredFile stored = files.upload("label.png", "image/png", image);
        assertThat(stored.size()).isEqualTo(image.length);
        assertThat(stored.sha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(image)));
        assertThat(files.list()).extracting(StoredFile::name).containsExactly("label.png");
        assertThat(files.download(stored.id())).isEqualTo(image);

        SignedUrl url = files.signedUrl(stored.id(), java.time.Duration.ofMinutes(1));
        HttpResponse<byte[]> anonymous = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(url.url()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).isEqualTo(image);

        assertThatThrownBy(() -> files.upload("page.html", "text/html", new byte[] {1}))
                .isInstanceOfSatisfying(SiloProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(415);
                    assertThat(problem.slug()).isEqualTo("file-type-not-allowed");
                });
        files.delete(stored.id());
        assertThat(files.list()).isEmpty();
    }

    @Test
    void anAdministratorManagesTheOrganizationsUsers() {
        Users users = signedIn().users();
        User cashier = users.create(NewUser.withEmail("till@client.example", "Till", TestTenants.PASSWORD)
                .services(Map.of("pos", "cashier"))
                .profile(Map.of("phone", "+41 44 000 00 00")));
        assertThat(cashier.services()).containsEntry("pos", "cashier").containsEntry("core", "member");
        assertThat(cashier.email()).contains("till@client.example");
        assertThat(cashier.lastLoginAt()).isEmpty();

        User renamed = users.update(cashier.id(), Map.of("name", "Till Two", "services", Map.of("pos", "manager")));
        assertThat(renamed.version()).isEqualTo(cashier.version() + 1);
        assertThat(users.get(cashier.id()).services()).containsEntry("pos", "manager");
        assertThat(users.list(Optional.empty(), Optional.of("till"), OptionalInt.of(10), Optional.empty())
                        .items())
                .extracting(User::name)
                .containsExactly("Till Two");
        assertThatThrownBy(() -> users.create(NewUser.withEmail("till@client.example", "Copy", TestTenants.PASSWORD)))
                .isInstanceOfSatisfying(
                        SiloProblemException.class,
                        problem -> assertThat(problem.slug()).isEqualTo("email-taken"));

        SiloApi till = SiloApi.connect(silo.uri());
        SignedIn signedIn = till.signIn(SignIn.member(shop.slug(), "till@client.example", TestTenants.PASSWORD));
        assertThat(signedIn.services()).containsExactly("pos");
        assertThat(till.me().path("user").path("name").asString()).isEqualTo("Till Two");

        users.delete(cashier.id());
        assertThatThrownBy(() -> users.get(cashier.id()))
                .isInstanceOfSatisfying(
                        SiloProblemException.class,
                        problem -> assertThat(problem.status()).isEqualTo(404));
    }

    @Test
    void aPlatformAdministratorManagesAnyOrganizationsUsers() {
        SiloApi admin = SiloApi.connect(silo.uri());
        SignedIn signedIn = admin.signIn(SignIn.admin(TestSilo.ADMIN_EMAIL, TestSilo.ADMIN_PASSWORD));
        assertThat(signedIn.user()).isEmpty();
        User created = admin.users(shop.slug())
                .create(NewUser.withUsername("clerk", "Clerk", TestTenants.PASSWORD)
                        .services(Map.of("pos", "cashier")));
        assertThat(admin.users(shop.slug()).list().items()).extracting(User::id).contains(created.id());
    }

    @Test
    void requestsThatMeetARefusedTokenTogetherRefreshOnceAndAreEachSentAgain() throws Exception {
        Tokens real = signedIn().tokens().orElseThrow();
        List<Optional<Tokens>> heard = new CopyOnWriteArrayList<>();
        // an access token the server refuses as invalid-token, as it refuses an expired one
        SiloApi api = SiloApi.builder(silo.uri())
                .tokens(new Tokens(real.accessToken() + "x", real.refreshToken(), real.expiresIn()))
                .onTokens(heard::add)
                .build();
        Collection<JsonNode> products = api.collection("pos", "products");
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> counts = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            IntStream.range(0, threads)
                    .forEach(i -> counts.add(pool.submit(() -> {
                        start.await();
                        return products.count(Filter.all());
                    })));
            start.countDown();
            for (Future<Long> count : counts) {
                assertThat(count.get()).isGreaterThanOrEqualTo(0);
            }
        }

        assertThat(heard)
                .as("one refresh for all of them (a second would spend a spent token)")
                .hasSize(1);
        Tokens fresh = heard.get(0).orElseThrow();
        assertThat(fresh.refreshToken()).isNotEqualTo(real.refreshToken());
        assertThat(api.tokens()).contains(fresh);
        assertThat(products.count(Filter.all())).as("the session goes on").isGreaterThanOrEqualTo(0);
    }

    @Test
    void aSessionThatCannotBeRefreshedEndsWithTheRefreshProblem() {
        Tokens real = signedIn().tokens().orElseThrow();
        SiloApi api = SiloApi.builder(silo.uri())
                .tokens(new Tokens(real.accessToken() + "x", "not-a-refresh-token", real.expiresIn()))
                .build();

        assertThatThrownBy(() -> api.collection("pos", "products").count(Filter.all()))
                .isInstanceOfSatisfying(SiloProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(401);
                    assertThat(problem.slug()).isEqualTo("invalid-refresh-token");
                });
        assertThat(api.tokens()).isEmpty();
        assertThatThrownBy(() -> api.me())
                .isInstanceOfSatisfying(
                        SiloProblemException.class,
                        problem -> assertThat(problem.slug()).isEqualTo("missing-token"));
    }

    @Test
    void signingOutEndsTheSessionOnTheServer() {
        SiloApi api = signedIn();
        Tokens tokens = api.tokens().orElseThrow();
        api.signOut();

        assertThat(api.tokens()).isEmpty();
        SiloApi kept = SiloApi.builder(silo.uri()).tokens(tokens).build();
        assertThatThrownBy(kept::me)
                .isInstanceOfSatisfying(
                        SiloProblemException.class,
                        problem -> assertThat(problem.status()).isEqualTo(401));
    }
}
