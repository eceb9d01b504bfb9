package io.silo.http.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.SignedJWT;
import io.silo.app.SiloOptions;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestClock;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Files of documents over HTTP (issue 14), on a template of the tests' own ({@code classroom}):
 * a file of several chunks goes in and comes out whole and in ranges, signed URLs work without a
 * token until they expire and cannot be forged, and every bad upload (too large, wrong type, over
 * the quota, broken off) is a 4xx that leaves nothing behind.
 */
class FilesTest {
    private static final TestClock CLOCK = new TestClock();
    private static final int CHUNK = 256 * 1024;
    /** 1 MiB and 3 bytes: four whole chunks and three bytes of a fifth. */
    private static final byte[] PDF = bytes(1024 * 1024 + 3, 1);

    private static TestSilo silo;
    private static TestTenant school;

    @BeforeAll
    static void start() throws URISyntaxException {
        Path templates = Path.of(
                FilesTest.class.getClassLoader().getResource("templates/files").toURI());
        silo = TestSilo.start(
                1,
                Map.of("SILO_SERVICES_DIR", templates.toString()),
                SiloOptions.server().withClock(CLOCK));
        school = TestTenants.create(silo.client(), "Green Valley Files", List.of("classroom"));
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void aFileOfSeveralChunksGoesInAndComesOutWhole() throws Exception {
        String document = insert("assignments", Map.of("title", "Essay"));

        SiloClient.Response created =
                upload(files("assignments", document) + "?name=essay%20brief.pdf", "application/pdf", PDF);

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode file = created.json();
        assertThat(file.path("name").asString()).isEqualTo("essay brief.pdf");
        assertThat(file.path("contentType").asString()).isEqualTo("application/pdf");
        assertThat(file.path("size").asLong()).isEqualTo(PDF.length);
        assertThat(file.path("sha256").asString()).isEqualTo(sha256(PDF));
        assertThat(created.header("Location"))
                .contains(files("assignments", document) + "/" + file.path("id").asString());

        SiloClient.Bytes read =
                school.client().download(created.header("Location").orElseThrow(), Map.of());
        assertThat(read.status()).isEqualTo(200);
        assertThat(sha256(read.body())).isEqualTo(sha256(PDF));
        assertThat(read.body()).isEqualTo(PDF);
        assertThat(read.header("ETag")).contains("\"" + sha256(PDF) + "\"");
        assertThat(read.header("Accept-Ranges")).contains("bytes");
        assertThat(read.header("Content-Type")).contains("application/pdf");
        assertThat(read.header("Content-Length")).contains(Integer.toString(PDF.length));
        assertThat(read.header("X-Content-Type-Options")).contains("nosniff");
        assertThat(read.header("Content-Disposition"))
                .contains("inline; filename=\"essay brief.pdf\"; filename*=UTF-8''essay%20brief.pdf");
        assertThat(TestPostgres.primary()
                        .jdbc(school.database("classroom"))
                        .query(
                                "SELECT count(*) FROM silo_file_chunks WHERE file_id = ?::uuid",
                                row -> row.getInt(1),
                                file.path("id").asString()))
                .as("one row per chunk of 256 KiB")
                .containsExactly(5);

        JsonNode listed =
                school.client().get(files("assignments", document)).json().path("items");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0)).isEqualTo(file);
    }

    @Test
    void rangesServeTheBytesAskedForAcrossChunks() {
        String file = uploaded("assignments", "application/pdf", PDF);

        assertRange(file, "bytes=0-9", 0, 9);
        assertRange(file, "bytes=" + (CHUNK - 5) + "-" + (CHUNK + 5), CHUNK - 5, CHUNK + 5);
        assertRange(file, "bytes=" + (2 * CHUNK - 1) + "-" + (3 * CHUNK), 2 * CHUNK - 1, 3 * CHUNK);
        assertRange(file, "bytes=-10", PDF.length - 10, PDF.length - 1);
        assertRange(file, "bytes=" + (PDF.length - 4) + "-", PDF.length - 4, PDF.length - 1);
        assertRange(file, "bytes=5-" + (10L * PDF.length), 5, PDF.length - 1);

        SiloClient.Bytes beyond = school.client().download(file, Map.of("Range", "bytes=" + PDF.length + "-"));
        assertThat(beyond.status()).isEqualTo(416);
        assertThat(beyond.json().path("type").asString()).isEqualTo("urn:silo:problem:range-not-satisfiable");
        assertThat(beyond.json().path("size").asLong()).isEqualTo(PDF.length);
        assertThat(beyond.header("Content-Range")).contains("bytes */" + PDF.length);
        assertThat(school.client().download(file, Map.of("Range", "bytes=-0")).status())
                .isEqualTo(416);

        for (String ignored : List.of("bytes=0-1,5-6", "lines=1-2", "bytes=9-3", "bytes=x-y")) {
            SiloClient.Bytes whole = school.client().download(file, Map.of("Range", ignored));
            assertThat(whole.status()).as(ignored).isEqualTo(200);
            assertThat(whole.body()).as(ignored).isEqualTo(PDF);
        }
        assertThat(school.client()
                        .download(file, Map.of("Range", "bytes=0-9", "If-Range", "\"another version\""))
                        .status())
                .as("If-Range naming another version: the whole file")
                .isEqualTo(200);
        assertThat(school.client()
                        .download(file, Map.of("If-None-Match", "\"" + sha256(PDF) + "\""))
                        .status())
                .isEqualTo(304);
    }

    /** Bytes that have left cannot be followed by a problem: the connection ends, short of the length announced. */
    @Test
    void aDownloadThatBreaksOffEndsTheConnectionShortOfItsLength() {
        String file = uploaded("assignments", "application/pdf", PDF);
        TestPostgres.primary()
                .jdbc(school.database("classroom"))
                .update(
                        "DELETE FROM silo_file_chunks WHERE file_id = ?::uuid AND n = 3",
                        file.substring(file.lastIndexOf('/') + 1));

        assertThatThrownBy(() -> school.client().download(file, Map.of()))
                .as("the client sees the body end early, not a whole file")
                .isInstanceOf(java.io.UncheckedIOException.class);
        SiloClient.Bytes missing = school.client().download(file, Map.of("Range", "bytes=" + 3 * CHUNK + "-"));
        assertThat(missing.status())
                .as("a failure before the first byte is a problem")
                .isEqualTo(404);
        assertThat(missing.json().path("type").asString()).isEqualTo("urn:silo:problem:file-not-found");
        assertThat(school.client().download(file, Map.of("Range", "bytes=0-9")).status())
                .as("the connection pool of the client recovers")
                .isEqualTo(206);
    }

    @Test
    void aSignedUrlWorksWithoutTokenUntilItExpires() {
        String file = uploaded("messages", "audio/ogg", bytes(300_000, 2));
        SiloClient.Response signed = school.client().post(file + "/_url", Map.of());
        assertThat(signed.status()).as(signed.text()).isEqualTo(201);
        String url = signed.json().path("url").asString();
        assertThat(url).startsWith("/api/files/");

        SiloClient.Bytes anonymous = silo.client().download(url, Map.of("Range", "bytes=0-99"));
        assertThat(anonymous.status()).isEqualTo(206);
        assertThat(anonymous.body()).isEqualTo(Arrays.copyOfRange(bytes(300_000, 2), 0, 100));
        assertThat(anonymous.header("Content-Type")).contains("audio/ogg");

        CLOCK.advance(Duration.ofMinutes(5).plusSeconds(1));

        SiloClient.Bytes expired = silo.client().download(url, Map.of());
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.json().path("type").asString()).isEqualTo("urn:silo:problem:file-url-expired");
        assertThat(school.client().post(file + "/_url?ttl=3601", Map.of()).problemType())
                .as("files.urlMaxTtl is an hour")
                .isEqualTo("invalid-ttl");
        assertThat(school.client().post(file + "/_url?ttl=3600", Map.of()).status())
                .isEqualTo(201);
    }

    @Test
    void forgedOrAlteredUrlsAreRefused() throws Exception {
        String file = uploaded("messages", "audio/ogg", bytes(1000, 3));
        String token = school.client()
                .post(file + "/_url", Map.of())
                .json()
                .path("url")
                .asString()
                .substring("/api/files/".length());
        String[] parts = token.split("\\.");
        SignedJWT genuine = SignedJWT.parse(token);

        SignedJWT foreignKey = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(new JOSEObjectType("file+jwt"))
                        .build(),
                genuine.getJWTClaimsSet());
        foreignKey.sign(new MACSigner(new byte[32]));
        String longer = genuine.getJWTClaimsSet().toString().replaceFirst("\"exp\":[0-9]+", "\"exp\":4102444800");
        String prolonged = parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(longer.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + parts[2];
        String flipped =
                parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1);

        for (String forged :
                List.of(foreignKey.serialize(), prolonged, flipped, "not-a-token", parts[0] + "." + parts[1] + ".")) {
            SiloClient.Bytes refused = silo.client().download("/api/files/" + forged, Map.of());
            assertThat(refused.status()).as(forged).isEqualTo(403);
            assertThat(refused.json().path("type").asString()).isEqualTo("urn:silo:problem:file-url-invalid");
        }
    }

    @Test
    void aTypeTheCollectionDoesNotTakeIsRefused() {
        String document = insert("messages", Map.of("text", "hello"));

        SiloClient.Response html = upload(files("messages", document) + "?name=x.html", "text/html", bytes(10, 4));
        assertThat(html.status()).isEqualTo(415);
        assertThat(html.problemType()).isEqualTo("file-type-not-allowed");
        assertThat(html.json().path("allowed").toString()).contains("audio/*");
        assertThat(upload(files("messages", document) + "?name=x", "audio/*", bytes(10, 4))
                        .status())
                .as("a family is not a file's type")
                .isEqualTo(415);
        assertThat(upload(files("messages", document) + "?name=voice.opus", "audio/opus; codecs=x", bytes(10, 4))
                        .status())
                .isEqualTo(201);
        assertThat(upload(files("notes", insert("notes", Map.of("x", 1))) + "?name=a.txt", "text/plain", bytes(10, 4))
                        .problemType())
                .isEqualTo("files-not-enabled");
        for (String name : List.of("", "a/b.txt", "a%5Cb.txt", "line%0Abreak", "x".repeat(256))) {
            SiloClient.Response refused =
                    upload(files("messages", document) + "?name=" + name, "text/plain", bytes(10, 4));
            assertThat(refused.problemType()).as(name).isEqualTo("invalid-file-name");
        }
        assertThat(school.client().get(files("messages", document)).json().path("items"))
                .as("only the one accepted")
                .hasSize(1);
    }

    @Test
    void aFileOverItsCollectionsLimitIsRefusedAndLeavesNothing() {
        String document = insert("assignments", Map.of("title", "Too big"));
        byte[] large = bytes(2 * 1024 * 1024 + 1, 5);

        SiloClient.Response announced =
                upload(files("assignments", document) + "?name=big.pdf", "application/pdf", large);
        assertThat(announced.status()).isEqualTo(413);
        assertThat(announced.problemType()).isEqualTo("file-too-large");
        assertThat(announced.json().path("limit").asLong()).isEqualTo(2 * 1024 * 1024);

        SiloClient.Response streamed = school.client()
                .upload(
                        files("assignments", document) + "?name=big.pdf",
                        "application/pdf",
                        HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(large)),
                        Map.of());
        assertThat(streamed.status())
                .as("found while reading, the length not announced")
                .isEqualTo(413);
        assertThat(streamed.problemType()).isEqualTo("file-too-large");

        assertThat(fileRows(document)).isZero();
    }

    @Test
    void anUploadThatBreaksOffLeavesNothing() {
        String document = insert("messages", Map.of("text", "broken"));
        try {
            school.client()
                    .upload(
                            files("messages", document) + "?name=broken.ogg",
                            "audio/ogg",
                            HttpRequest.BodyPublishers.ofInputStream(() -> new BreakingStream(CHUNK * 3)),
                            Map.of());
        } catch (RuntimeException expected) {
            // the client gave up on its own body
        }
        SiloClient operator = silo.client().asAdmin();
        Eventually.until(
                "the server answered the broken upload",
                () -> operator.get("/metrics")
                        .text()
                        .contains("route=\"/api/data/{service}/{collection}/{id}/_files\",status=\"400\""));
        assertThat(fileRows(document)).isZero();
        assertThat(school.client().get(files("messages", document)).json().path("items"))
                .isEmpty();
    }

    @Test
    void aFileWhoseDocumentIsDeletedDuringItsUploadIsNotKept() throws Exception {
        String document = insert("messages", Map.of("text", "deleted meanwhile"));
        java.io.PipedOutputStream sender = new java.io.PipedOutputStream();
        java.io.PipedInputStream body = new java.io.PipedInputStream(sender, CHUNK);
        java.util.concurrent.CompletableFuture<SiloClient.Response> upload =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> school.client()
                        .upload(
                                files("messages", document) + "?name=late.ogg",
                                "audio/ogg",
                                HttpRequest.BodyPublishers.ofInputStream(() -> body),
                                Map.of()));
        sender.write(bytes(CHUNK * 2, 13));

        assertThat(school.client()
                        .delete("/api/data/classroom/messages/" + document)
                        .status())
                .isEqualTo(204);
        sender.write(bytes(100, 14));
        sender.close();

        SiloClient.Response refused = upload.get(1, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.problemType()).isEqualTo("document-not-found");
        assertThat(fileRows(document)).isZero();
    }

    @Test
    void theOrganizationsQuotaBoundsAllItsFiles() {
        TestTenant small = TestTenants.create(
                silo.client(),
                "Small Quota Files",
                List.of("classroom"),
                Map.of("quotas", Map.of("maxFileBytes", 1000)));
        String document = small.client()
                .post("/api/data/classroom/messages", Map.of("text", "hi"))
                .json()
                .path("_id")
                .asString();

        assertThat(small.client()
                        .upload(
                                files("messages", document) + "?name=a.txt",
                                "text/plain",
                                HttpRequest.BodyPublishers.ofByteArray(bytes(600, 6)),
                                Map.of())
                        .status())
                .isEqualTo(201);
        SiloClient.Response over = small.client()
                .upload(
                        files("messages", document) + "?name=b.txt",
                        "text/plain",
                        HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes(600, 7))),
                        Map.of());

        assertThat(over.status()).isEqualTo(413);
        assertThat(over.problemType()).isEqualTo("storage-quota-exceeded");
        assertThat(over.json().path("quota").asString()).isEqualTo("maxFileBytes");
        assertThat(over.json().path("limit").asLong()).isEqualTo(1000);
        assertThat(over.json().path("used").asLong()).isEqualTo(600);
        assertThat(small.client().get(files("messages", document)).json().path("items"))
                .hasSize(1);
    }

    @Test
    void deletingTheDocumentDeletesItsFilesInTheSameTransaction() {
        String document = insert("assignments", Map.of("title", "Gone soon"));
        String file = uploadedTo("assignments", document, "application/pdf", PDF);
        assertThat(fileRows(document)).isEqualTo(1);

        assertThat(school.client()
                        .delete("/api/data/classroom/assignments/" + document)
                        .status())
                .isEqualTo(204);

        assertThat(fileRows(document)).isZero();
        assertThat(chunkRows(file)).isZero();
        assertThat(school.client().download(file, Map.of()).status()).isEqualTo(404);
    }

    @Test
    void aFileIsDeletedAloneAndTheActivityLogSaysWho() {
        String document = insert("assignments", Map.of("title", "Keep the document"));
        String file = uploadedTo("assignments", document, "image/png", bytes(5000, 8));

        assertThat(school.client().delete(file).status()).isEqualTo(204);

        SiloClient.Bytes gone = school.client().download(file, Map.of());
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().path("type").asString()).isEqualTo("urn:silo:problem:file-not-found");
        assertThat(school.client().delete(file).problemType()).isEqualTo("file-not-found");
        assertThat(school.client()
                        .get("/api/data/classroom/assignments/" + document)
                        .status())
                .isEqualTo(200);
        assertThat(TestPostgres.primary()
                        .jdbc(school.database("classroom"))
                        .query(
                                "SELECT action FROM silo_activity WHERE target_id = ? ORDER BY id",
                                row -> row.getString(1),
                                document))
                .containsSubsequence("file.upload", "file.delete");
    }

    @Test
    void aMemberWithoutWriteMayReadButNotChangeFiles() {
        String document = insert("assignments", Map.of("title", "Read only"));
        String file = uploadedTo("assignments", document, "application/pdf", bytes(100, 9));
        TestTenants.addMember(school, "student@greenvalley.example", Map.of("classroom", "student"));
        SiloClient student =
                TestTenants.signIn(silo.client(), school.slug(), "student@greenvalley.example", TestTenants.PASSWORD);

        assertThat(student.download(file, Map.of()).status()).isEqualTo(200);
        assertThat(student.get(files("assignments", document)).json().path("items"))
                .hasSize(1);
        SiloClient.Response upload = student.upload(
                files("assignments", document) + "?name=x.pdf",
                "application/pdf",
                HttpRequest.BodyPublishers.ofByteArray(bytes(10, 10)),
                Map.of());
        assertThat(upload.status()).isEqualTo(403);
        assertThat(upload.problemType()).isEqualTo("collection-forbidden");
        assertThat(student.delete(file).problemType()).isEqualTo("collection-forbidden");
        assertThat(fileRows(document)).isEqualTo(1);
    }

    /** The rules of a role limit the files of documents as they limit the documents. */
    @Test
    void filesFollowTheRulesOfTheirDocument() {
        String annId = TestTenants.addMember(school, "ann@rules.example", Map.of("classroom", "student"))
                .path("id")
                .asString();
        String bobId = TestTenants.addMember(school, "bob@rules.example", Map.of("classroom", "student"))
                .path("id")
                .asString();
        SiloClient ann = TestTenants.signIn(silo.client(), school.slug(), "ann@rules.example", TestTenants.PASSWORD);
        SiloClient bob = TestTenants.signIn(silo.client(), school.slug(), "bob@rules.example", TestTenants.PASSWORD);

        String submission = "/api/data/classroom/submissions/"
                + ann.post("/api/data/classroom/submissions", Map.of("work", "essay"))
                        .json()
                        .path("_id")
                        .asString();
        String annsFile = uploadAs(ann, submission + "/_files?name=essay.pdf", "application/pdf");
        assertThat(bob.get(submission + "/_files").problemType())
                .as("another student's submission is out of reach, its files too")
                .isEqualTo("document-not-found");
        assertThat(bob.download(annsFile, Map.of()).status()).isEqualTo(404);
        assertThat(bob.post(annsFile + "/_url", Map.of()).status()).isEqualTo(404);
        assertThat(bob.upload(
                                submission + "/_files?name=mine.pdf",
                                "application/pdf",
                                HttpRequest.BodyPublishers.ofString("x"),
                                Map.of())
                        .problemType())
                .isEqualTo("document-not-found");
        assertThat(school.client().get(submission + "/_files").json().path("items"))
                .as("the teacher sees every submission's files")
                .hasSize(1);

        String message = "/api/data/classroom/messages/"
                + ann.post(
                                "/api/data/classroom/messages",
                                Map.of("senderId", annId, "receiverId", bobId, "text", "listen"))
                        .json()
                        .path("_id")
                        .asString();
        String recording = uploadAs(ann, message + "/_files?name=voice.ogg", "audio/ogg");
        assertThat(bob.download(recording, Map.of()).status())
                .as("the receiver reads the message, and its recording")
                .isEqualTo(200);
        SiloClient.Response answer = bob.upload(
                message + "/_files?name=reply.ogg", "audio/ogg", HttpRequest.BodyPublishers.ofString("x"), Map.of());
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.problemType()).isEqualTo("document-forbidden");
        assertThat(bob.delete(recording).problemType()).isEqualTo("document-forbidden");
        assertThat(ann.delete(recording).status()).isEqualTo(204);
    }

    private static String uploadAs(SiloClient client, String path, String type) {
        SiloClient.Response created =
                client.upload(path, type, HttpRequest.BodyPublishers.ofString("content"), Map.of());
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.header("Location").orElseThrow();
    }

    @Test
    void unknownFilesAndDocumentsAreNotFound() {
        String document = insert("assignments", Map.of("title", "Empty"));
        assertThat(school.client()
                        .download(files("assignments", document) + "/" + UUID.randomUUID(), Map.of())
                        .status())
                .isEqualTo(404);
        assertThat(school.client()
                        .get(files("assignments", UUID.randomUUID().toString()))
                        .problemType())
                .isEqualTo("document-not-found");
        assertThat(upload(files("assignments", UUID.randomUUID().toString()) + "?name=a.pdf", "application/pdf", PDF)
                        .problemType())
                .isEqualTo("document-not-found");
        assertThat(school.client().get(files("assignments", "not-a-uuid")).problemType())
                .isEqualTo("invalid-id");
        assertThat(school.client()
                        .download(files("assignments", document) + "/1-1-1-1-1", Map.of())
                        .status())
                .isEqualTo(400);
    }

    @Test
    void theSweeperRemovesFilesWhoseDocumentWasDeletedBehindSilosBack() {
        String document = insert("assignments", Map.of("title", "Deleted by SQL"));
        uploadedTo("assignments", document, "application/pdf", bytes(1000, 11));
        TestPostgres.primary()
                .jdbc(school.database("classroom"))
                .update("DELETE FROM assignments WHERE id = ?::uuid", document);

        int removed = silo.silo().application().fileSweeper().sweep(UUID.fromString(school.id()), "classroom");

        assertThat(removed).isEqualTo(1);
        assertThat(fileRows(document)).isZero();
    }

    /** A database made before file storage has no file tables: a clear 409, and documents go on. */
    @Test
    void aDatabaseWithoutFileTablesSaysSoAndDocumentsGoOn() {
        TestTenant old = TestTenants.create(silo.client(), "Old Database Files", List.of("classroom"));
        TestPostgres.primary().jdbc(old.database("classroom")).update("DROP TABLE silo_file_chunks, silo_files");
        String document = old.client()
                .post("/api/data/classroom/assignments", Map.of("title", "Old"))
                .json()
                .path("_id")
                .asString();

        SiloClient.Response upload = old.client()
                .upload(
                        files("assignments", document) + "?name=a.pdf",
                        "application/pdf",
                        HttpRequest.BodyPublishers.ofByteArray(bytes(10, 12)),
                        Map.of());
        assertThat(upload.status()).isEqualTo(409);
        assertThat(upload.problemType()).isEqualTo("files-not-installed");
        assertThat(old.client().get(files("assignments", document)).problemType())
                .isEqualTo("files-not-installed");
        assertThat(old.client()
                        .delete("/api/data/classroom/assignments/" + document)
                        .status())
                .as("deleting a document of a collection that takes files")
                .isEqualTo(204);
    }

    private static void assertRange(String file, String range, long first, long last) {
        SiloClient.Bytes part = school.client().download(file, Map.of("Range", range));
        assertThat(part.status()).as(range).isEqualTo(206);
        assertThat(part.body()).as(range).isEqualTo(Arrays.copyOfRange(PDF, (int) first, (int) last + 1));
        assertThat(part.header("Content-Range")).as(range).contains("bytes " + first + "-" + last + "/" + PDF.length);
        assertThat(part.header("Content-Length")).as(range).contains(Long.toString(last - first + 1));
    }

    /** Uploads to a new document of {@code collection}; the file's path. */
    private static String uploaded(String collection, String type, byte[] content) {
        return uploadedTo(
                collection,
                insert(collection, collection.equals("assignments") ? Map.of("title", "t") : Map.of("text", "t")),
                type,
                content);
    }

    /** Uploads to {@code document} of {@code collection}; the file's path. */
    private static String uploadedTo(String collection, String document, String type, byte[] content) {
        SiloClient.Response created = upload(files(collection, document) + "?name=file", type, content);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.header("Location").orElseThrow();
    }

    private static SiloClient.Response upload(String path, String type, byte[] content) {
        return school.client().upload(path, type, HttpRequest.BodyPublishers.ofByteArray(content), Map.of());
    }

    private static String insert(String collection, Map<String, Object> body) {
        SiloClient.Response created = school.client().post("/api/data/classroom/" + collection, body);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().path("_id").asString();
    }

    private static String files(String collection, String document) {
        return "/api/data/classroom/" + collection + "/" + document + "/_files";
    }

    private static int fileRows(String document) {
        return TestPostgres.primary()
                .jdbc(school.database("classroom"))
                .query("SELECT count(*) FROM silo_files WHERE document_id = ?::uuid", row -> row.getInt(1), document)
                .getFirst();
    }

    private static int chunkRows(String filePath) {
        String id = filePath.substring(filePath.lastIndexOf('/') + 1);
        return TestPostgres.primary()
                .jdbc(school.database("classroom"))
                .query("SELECT count(*) FROM silo_file_chunks WHERE file_id = ?::uuid", row -> row.getInt(1), id)
                .getFirst();
    }

    static byte[] bytes(int length, long seed) {
        byte[] out = new byte[length];
        new Random(seed).nextBytes(out);
        return out;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A body that fails after {@code length} bytes, as a client whose file went away. */
    private static final class BreakingStream extends InputStream {
        private final int length;
        private int sent;

        BreakingStream(int length) {
            this.length = length;
        }

        @Override
        public int read() throws IOException {
            if (sent++ >= length) {
                throw new IOException("the file went away");
            }
            return sent & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            if (sent >= length) {
                throw new IOException("the file went away");
            }
            int n = Math.min(count, length - sent);
            Arrays.fill(buffer, offset, offset + n, (byte) 7);
            sent += n;
            return n;
        }
    }
}
