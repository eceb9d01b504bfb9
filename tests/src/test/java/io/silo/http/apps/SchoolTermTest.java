package io.silo.http.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * A school term on the {@code school} template, over HTTP, as its people use it: the principal sets
 * up classes, timetables, the calendar and subjects; a teacher sets an assignment; two students hand
 * in at once and each sees only their own work and their own conversations; the teacher grades. Every
 * refusal on the way is one the template's rules make, answered before anything is written.
 */
@SiloTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchoolTermTest {
    private static final String DATA = "/api/data/school/";

    private SiloClient principal;
    private SiloClient teacher;
    private SiloClient ada;
    private SiloClient ben;
    private String teacherId;
    private String adaId;
    private String benId;

    @BeforeAll
    void openTheSchool(SiloClient anonymous) {
        TestTenant school = TestTenants.create(
                anonymous,
                "Green Valley School",
                List.of("school"),
                Map.of(
                        "admin",
                        Map.of(
                                "email",
                                "admin@greenvalleyschool.example",
                                "username",
                                "principal",
                                "name",
                                "The Principal",
                                "password",
                                TestTenants.PASSWORD)));
        principal = school.client();
        teacherId = TestTenants.addMember(school, "teacher@greenvalley.example", Map.of("school", "teacher"))
                .path("id")
                .asString();
        adaId = TestTenants.addMember(school, "ada@greenvalley.example", Map.of("school", "student"))
                .path("id")
                .asString();
        benId = TestTenants.addMember(school, "ben@greenvalley.example", Map.of("school", "student"))
                .path("id")
                .asString();
        teacher = signIn(anonymous, school, "teacher");
        ada = signIn(anonymous, school, "ada");
        ben = signIn(anonymous, school, "ben");
    }

    @Test
    void theSchoolYearRunsAsTheTemplateSays() throws Exception {
        // the principal (the organization's administrator, given the template's adminRole) sets up the year
        String classId = created(principal.post(
                DATA + "classes",
                Map.of("name", "7A", "grade", 7, "teacherId", teacherId, "students", List.of(adaId, benId))));
        created(principal.post(
                DATA + "schedules",
                Map.of("teacherId", teacherId, "classId", classId, "subject", "Maths", "day", "Monday", "period", 1)));
        created(principal.post(
                DATA + "calendar", Map.of("title", "Term starts", "date", "2026-09-01", "type", "event")));
        created(principal.post(DATA + "subjects", Map.of("name", "Mathematics", "code", "MATH7", "grade", 7)));
        // references are checked on write: a timetable names a class and a teacher that exist
        SiloClient.Response noSuchClass = principal.post(
                DATA + "schedules",
                Map.of(
                        "teacherId",
                        teacherId,
                        "classId",
                        "0193a0b4-0000-7000-8000-000000000000",
                        "subject",
                        "Art",
                        "day",
                        "Friday",
                        "period",
                        2));
        assertProblem(noSuchClass, 422, "reference-not-found");
        assertThat(noSuchClass.json().path("field").asString()).isEqualTo("classId");
        String subjectId = created(principal.post(DATA + "subjects", Map.of("name", "Art", "code", "ART7")));
        assertProblem(
                principal.patch(
                        DATA + "subjects/" + subjectId, Map.of("teacherId", "0193a0b4-0000-7000-8000-000000000001")),
                422,
                "reference-not-found");
        assertProblem(
                principal.post(
                        DATA + "classes", Map.of("name", "7C", "grade", 7, "students", List.of(adaId, "not-a-pupil"))),
                422,
                "reference-not-found");
        for (SiloClient notThePrincipal : List.of(teacher, ada)) {
            assertProblem(
                    notThePrincipal.post(DATA + "classes", Map.of("name", "7B", "grade", 7)),
                    403,
                    "collection-forbidden");
        }

        // the teacher sets an assignment, and is its teacher without saying so
        JsonNode assignment = principalView(teacher.post(
                DATA + "assignments",
                Map.of("title", "Fractions", "classIds", List.of(classId), "dueDate", "2026-09-15T08:00:00Z")));
        assertThat(assignment.path("teacherId").asString()).isEqualTo(teacherId);
        String assignmentId = assignment.path("_id").asString();
        assertProblem(
                ada.patch(DATA + "assignments/" + assignmentId, Map.of("title", "No homework")),
                403,
                "collection-forbidden");

        // with a worksheet attached, which the class reads and only the assignment's teacher may change
        byte[] worksheet = "%PDF-1.4 fractions worksheet".getBytes(StandardCharsets.UTF_8);
        SiloClient.Response attached = teacher.upload(
                DATA + "assignments/" + assignmentId + "/_files?name=worksheet.pdf",
                "application/pdf",
                java.net.http.HttpRequest.BodyPublishers.ofByteArray(worksheet),
                Map.of());
        assertThat(attached.status()).as(attached.text()).isEqualTo(201);
        String worksheetPath = DATA + "assignments/" + assignmentId + "/_files/"
                + attached.json().path("id").asString();
        assertThat(ada.download(worksheetPath, Map.of()).body()).isEqualTo(worksheet);
        assertThat(ada.upload(
                                DATA + "assignments/" + assignmentId + "/_files?name=answers.pdf",
                                "application/pdf",
                                java.net.http.HttpRequest.BodyPublishers.ofByteArray(worksheet),
                                Map.of())
                        .status())
                .isEqualTo(403);

        // two students hand in at once; each submission is its student's without their saying so
        String adaWork;
        String benWork;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<SiloClient.Response> fromAda = pool.submit(handIn(ada, assignmentId));
            Future<SiloClient.Response> fromBen = pool.submit(handIn(ben, assignmentId));
            adaWork = created(fromAda.get());
            benWork = created(fromBen.get());
        }
        assertThat(ada.get(DATA + "submissions/" + adaWork)
                        .json()
                        .path("studentId")
                        .asString())
                .isEqualTo(adaId);

        // each sees only their own, by every way of asking
        assertThat(ids(ada.get(DATA + "submissions"))).containsExactly(adaWork);
        assertThat(ids(ben.get(DATA + "submissions"))).containsExactly(benWork);
        assertProblem(ada.get(DATA + "submissions/" + benWork), 404, "document-not-found");
        assertThat(ids(ada.get(DATA + "submissions?filter=" + encode("{\"studentId\":\"" + benId + "\"}"))))
                .isEmpty();
        assertThat(ada.get(DATA + "submissions/_count").json().path("count").asLong())
                .isEqualTo(1);
        assertThat(ada.get(DATA + "submissions/_group?by=studentId").json().path("groups"))
                .hasSize(1);
        // handed-in work is never changed by its student (a change could carry a grade to another
        // assignment, or move the time it was handed in), nor removed
        for (String work : List.of(adaWork, benWork)) {
            assertProblem(ada.patch(DATA + "submissions/" + work, Map.of("grade", 10)), 403, "collection-forbidden");
            assertProblem(ada.delete(DATA + "submissions/" + work), 403, "collection-forbidden");
        }

        // a student can neither grade themselves nor hand in as someone else
        assertProblem(
                ada.post(
                        DATA + "submissions",
                        Map.of("assignmentId", "other", "studentId", benId, "status", "submitted")),
                403,
                "document-forbidden");
        assertProblem(
                ada.post(DATA + "submissions", Map.of("assignmentId", "other", "status", "graded", "grade", 10)),
                403,
                "field-read-only");

        // the teacher sees both and grades; they may not rewrite what was handed in, nor hand in themselves
        assertThat(ids(teacher.get(DATA + "submissions"))).containsExactlyInAnyOrder(adaWork, benWork);
        SiloClient.Response graded = teacher.patch(
                DATA + "submissions/" + adaWork,
                Map.of("grade", 9.5, "feedback", "Well reasoned", "status", "graded", "isAccepted", true));
        assertThat(graded.status()).as(graded.text()).isEqualTo(200);
        assertProblem(
                teacher.patch(DATA + "submissions/" + benWork, Map.of("files", List.of("copied.pdf"))),
                403,
                "field-read-only");
        assertProblem(
                teacher.post(
                        DATA + "submissions",
                        Map.of("assignmentId", assignmentId, "studentId", adaId, "status", "pending")),
                403,
                "collection-forbidden");
        assertThat(ada.get(DATA + "submissions/" + adaWork).json().path("grade").decimalValue())
                .isEqualByComparingTo("9.5");
    }

    @Test
    void aStudentSeesTheClassRosterAsPublicProfilesOnly() {
        SiloClient.Response roster = ada.get("/api/members?service=school&role=student");

        assertThat(roster.status()).as(roster.text()).isEqualTo(200);
        assertThat(roster.json()
                        .path("items")
                        .valueStream()
                        .map(member -> member.path("id").asString()))
                .containsExactlyInAnyOrder(adaId, benId);
        assertThat(roster.json().path("items").valueStream())
                .allSatisfy(member ->
                        assertThat(member.propertyNames()).containsOnly("id", "username", "name", "services"));
    }

    @Test
    void messagesAreReadOnlyByTheirSenderAndReceiver() {
        JsonNode question = principalView(ada.post(
                DATA + "messages",
                Map.of(
                        "receiverId",
                        teacherId,
                        "messageType",
                        "text",
                        "message",
                        "Is 3/6 the same as 1/2?",
                        "timestamp",
                        "2026-09-02T10:00:00Z")));
        assertThat(question.path("senderId").asString())
                .as("the sender is the caller")
                .isEqualTo(adaId);
        String questionId = question.path("_id").asString();
        String answerId = created(teacher.post(
                DATA + "messages",
                Map.of(
                        "receiverId",
                        adaId,
                        "messageType",
                        "text",
                        "message",
                        "Yes.",
                        "replyTo",
                        questionId,
                        "timestamp",
                        "2026-09-02T10:05:00Z")));

        assertThat(ids(ada.get(DATA + "messages"))).containsExactlyInAnyOrder(questionId, answerId);
        assertThat(ids(teacher.get(DATA + "messages"))).containsExactlyInAnyOrder(questionId, answerId);
        assertThat(ids(ben.get(DATA + "messages"))).isEmpty();
        assertThat(ids(principal.get(DATA + "messages")))
                .as("not even the principal reads others' conversations")
                .isEmpty();
        assertProblem(ben.get(DATA + "messages/" + questionId), 404, "document-not-found");
        assertThat(ben.get(DATA + "messages/_count?filter=" + encode("{\"senderId\":\"" + adaId + "\"}"))
                        .json()
                        .path("count")
                        .asLong())
                .isZero();

        // nobody writes in another's name, and a receiver cannot edit what they were sent
        assertProblem(
                ben.post(
                        DATA + "messages",
                        Map.of(
                                "senderId",
                                adaId,
                                "receiverId",
                                teacherId,
                                "messageType",
                                "text",
                                "message",
                                "I quit",
                                "timestamp",
                                "2026-09-02T11:00:00Z")),
                403,
                "document-forbidden");
        assertProblem(ada.patch(DATA + "messages/" + answerId, Map.of("message", "No.")), 403, "document-forbidden");
        assertProblem(
                ben.patch(DATA + "messages/" + questionId, Map.of("message", "hacked")), 404, "document-not-found");
        SiloClient.Response batch = ben.post(
                "/api/data/school/_batch",
                Map.of(
                        "operations",
                        List.of(
                                Map.of(
                                        "op",
                                        "insert",
                                        "collection",
                                        "messages",
                                        "body",
                                        Map.of(
                                                "receiverId",
                                                adaId,
                                                "messageType",
                                                "text",
                                                "message",
                                                "hi",
                                                "timestamp",
                                                "2026-09-02T12:00:00Z")),
                                Map.of("op", "delete", "collection", "messages", "id", questionId))));
        assertProblem(batch, 404, "document-not-found");
        assertThat(batch.json().path("operation").asInt()).isEqualTo(1);
        assertThat(ids(ben.get(DATA + "messages")))
                .as("the batch was undone whole")
                .isEmpty();
        assertThat(ada.patch(DATA + "messages/" + questionId, Map.of("message", "Is 3/6 equal to 1/2?"))
                        .status())
                .isEqualTo(200);
    }

    private static Callable<SiloClient.Response> handIn(SiloClient student, String assignmentId) {
        return () -> student.post(
                DATA + "submissions",
                Map.of(
                        "assignmentId",
                        assignmentId,
                        "status",
                        "submitted",
                        "submittedAt",
                        "2026-09-14T18:00:00Z",
                        "files",
                        List.of("work.pdf")));
    }

    private static SiloClient signIn(SiloClient anonymous, TestTenant school, String who) {
        return TestTenants.signIn(anonymous, school.slug(), who + "@greenvalley.example", TestTenants.PASSWORD);
    }

    private static String created(SiloClient.Response response) {
        return principalView(response).path("_id").asString();
    }

    private static JsonNode principalView(SiloClient.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private static List<String> ids(SiloClient.Response page) {
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        return page.json()
                .path("items")
                .valueStream()
                .map(item -> item.path("_id").asString())
                .toList();
    }

    private static void assertProblem(SiloClient.Response response, int status, String type) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.problemType()).as(response.text()).isEqualTo(type);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
