package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.error.SiloException;
import io.silo.postgres.collection.query.GroupQuery;
import io.silo.template.CollectionSpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Date buckets are cut by PostgreSQL from whatever a field holds: a value the timestamp cast
 * would refuse must land in the {@code null} bucket, because one refused cast fails the whole
 * statement. Generated timestamps, most of them impossible (30 February, hour 25, offset +16:00),
 * are checked against java.time; hand-picked junk must all come back {@code null}.
 */
class DateBucketsTest {
    private static final CollectionSpec STAMPS = CollectionDatabase.spec("stamps");
    private static final DocumentStore STORE = new DocumentStore();
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final String ALL_BUCKETS = "at,at:day,at:week,at:month,at:year";
    private static CollectionDatabase db;

    @BeforeAll
    static void create() throws SQLException {
        db = CollectionDatabase.create("buckets");
        db.create(STAMPS);
    }

    @AfterEach
    void empty() throws SQLException {
        db.rollback();
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void generatedTimestampsBucketAsJavaTimeSaysOrNotAtAll() {
        Random random = new Random(14);
        Set<String> values = new LinkedHashSet<>();
        while (values.size() < 900) {
            values.add(generated(random));
        }
        for (String value : values) {
            insert(JsonNodeFactory.instance.stringNode(value));
        }

        Map<String, List<String>> buckets = buckets(
                GroupQuery.by(ALL_BUCKETS).timeZone("Europe/Berlin").limit(1000).build());

        assertThat(buckets).hasSize(values.size());
        int placed = 0;
        for (String value : values) {
            Optional<LocalDate> day = expectedDay(value);
            List<String> expected = day.map(DateBucketsTest::allBuckets).orElse(nulls());
            assertThat(buckets.get(value)).as(value).isEqualTo(expected);
            placed += day.isPresent() ? 1 : 0;
        }
        assertThat(placed).as("the generator makes valid timestamps too").isBetween(200, 700);
    }

    @Test
    void valuesThatAreNoTimestampsHaveTheNullBucket() {
        List<String> junk = List.of(
                "",
                "yesterday",
                "now",
                "today",
                "epoch",
                "infinity",
                "-infinity",
                "allballs",
                "2026-03-01 ",
                " 2026-03-01",
                "2026-03-01\n",
                "2026-3-1",
                "20260301",
                "2026-02-29",
                "2026-02-30T10:00:00Z",
                "1900-02-29",
                "2026-03-01T24:00:00Z",
                "2026-03-01T10:00:00.1234567890Z",
                "2026-03-01T10:00:00+0100",
                "2026-03-01T10:00:00+01",
                "2026-03-01T10:00:00+16:00",
                "2026-03-01T10:00:00 Europe/Berlin",
                "2026-03-01T10:00:00 CET",
                "2026-03-01 BC",
                "0000-01-01",
                "0999-12-31",
                "10000-01-01",
                "-2026-03-01",
                "J2461000",
                "\uff12\uff10\uff12\uff16-03-01",
                "2026-03-01T10:00:00Z'; DROP TABLE stamps; --");
        for (String value : junk) {
            insert(JsonNodeFactory.instance.stringNode(value));
        }
        for (String value : List.of("20260301", "true", "null", "{\"day\":\"2026-03-01\"}", "[\"2026-03-01\"]")) {
            insert(json(value));
        }

        GroupResult result = STORE.group(
                db.connection(),
                STAMPS,
                GroupQuery.by(ALL_BUCKETS).timeZone("Asia/Kolkata").build());

        assertThat(result.groups()).hasSize(junk.size() + 5);
        assertThat(result.groups())
                .allSatisfy(group -> assertThat(group.keys().subList(1, 5))
                        .as(group.keys().getFirst().toString())
                        .allMatch(JsonNode::isNull));
    }

    @Test
    void creationTimesAreBucketedInTheZone() throws SQLException {
        insert(json("\"2026-03-01\""));
        try (Statement statement = db.connection().createStatement()) {
            statement.execute(
                    "UPDATE stamps SET created_at = '2026-03-01T23:30:00Z', updated_at = '2026-12-31T23:30:00Z'");
        }

        GroupResult berlin = STORE.group(
                db.connection(),
                STAMPS,
                GroupQuery.by("_createdAt:day,_updatedAt:year,at:day")
                        .timeZone("Europe/Berlin")
                        .build());
        GroupResult utc = STORE.group(
                db.connection(),
                STAMPS,
                GroupQuery.by("_createdAt:day,_updatedAt:year,at:day").build());

        assertThat(berlin.groups().getFirst().toJson().get("key").toString())
                .isEqualTo("[\"2026-03-02\",\"2027-01-01\",\"2026-03-01\"]");
        assertThat(utc.groups().getFirst().toJson().get("key").toString())
                .isEqualTo("[\"2026-03-01\",\"2026-01-01\",\"2026-03-01\"]");
    }

    /**
     * A zone is checked against the JDK's names and handed to PostgreSQL, which fails the statement
     * for a name it does not know and reads some names (CET, EET …) as fixed-offset abbreviations:
     * on every name that passes, the two must agree, in summer and in winter.
     */
    @Test
    void everyZoneAGroupingAcceptsMeansTheSameToPostgres() throws SQLException {
        Instant summer = Instant.parse("2026-07-01T12:00:00Z");
        Instant winter = Instant.parse("2026-01-01T12:00:00Z");
        Map<String, String> java = new TreeMap<>();
        for (String name : ZoneId.getAvailableZoneIds()) {
            try {
                ZoneId zone = GroupQuery.zone(name);
                java.put(name, LocalDateTime.ofInstant(summer, zone) + " " + LocalDateTime.ofInstant(winter, zone));
            } catch (SiloException refused) {
                assertThat(refused.type()).isEqualTo("invalid-grouping");
            }
        }
        Map<String, String> postgres = new TreeMap<>();
        try (PreparedStatement statement = db.connection()
                .prepareStatement("SELECT name, to_char(?::timestamptz AT TIME ZONE name, 'YYYY-MM-DD\"T\"HH24:MI')"
                        + " || ' ' || to_char(?::timestamptz AT TIME ZONE name, 'YYYY-MM-DD\"T\"HH24:MI')"
                        + " FROM unnest(?::text[]) AS name WHERE name IN (SELECT name FROM pg_timezone_names)")) {
            statement.setString(1, summer.toString());
            statement.setString(2, winter.toString());
            statement.setArray(
                    3, db.connection().createArrayOf("text", java.keySet().toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    postgres.put(rows.getString(1), rows.getString(2));
                }
            }
        }

        assertThat(java)
                .containsKeys("UTC", "Europe/Berlin", "America/New_York")
                .hasSizeGreaterThan(500);
        assertThat(java).doesNotContainKeys("CET", "EET", "Zulu", "SystemV/EST5");
        assertThat(postgres).isEqualTo(java);
    }

    private static void insert(JsonNode at) {
        STORE.insert(
                db.connection(), STAMPS, JsonNodeFactory.instance.objectNode().set("at", at));
    }

    /** Each document's {@code at}, as a string, to its day, week, month and year buckets. */
    private static Map<String, List<String>> buckets(GroupQuery query) {
        Map<String, List<String>> out = new HashMap<>();
        for (GroupResult.Group group :
                STORE.group(db.connection(), STAMPS, query).groups()) {
            List<String> buckets = new ArrayList<>();
            group.keys().subList(1, 5).forEach(key -> buckets.add(key.isNull() ? null : key.stringValue()));
            out.put(group.keys().getFirst().stringValue(), buckets);
        }
        return out;
    }

    private static List<String> allBuckets(LocalDate day) {
        return List.of(
                day.toString(),
                day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString(),
                day.withDayOfMonth(1).toString(),
                day.withDayOfYear(1).toString());
    }

    private static List<String> nulls() {
        List<String> nulls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nulls.add(null);
        }
        return nulls;
    }

    /**
     * A timestamp of one of four shapes (date; date and time; with {@code Z}; with an offset) whose
     * parts are drawn a little beyond their ranges, leaning towards the ends of February and years
     * where the leap rule has exceptions.
     */
    private static String generated(Random random) {
        String year = random.nextBoolean()
                ? List.of("0000", "0999", "1000", "1600", "1900", "2000", "2024", "2026", "2100", "2400", "9999")
                        .get(random.nextInt(11))
                : "%04d".formatted(random.nextInt(10000));
        int month = random.nextInt(3) == 0 ? 2 : random.nextInt(15);
        int day = month == 2 && random.nextBoolean() ? 27 + random.nextInt(4) : random.nextInt(34);
        String date = "%s-%02d-%02d".formatted(year, month, day);
        int shape = random.nextInt(4);
        if (shape == 0) {
            return date;
        }
        String time = "%sT%02d:%02d:%02d".formatted(date, random.nextInt(26), random.nextInt(62), random.nextInt(62));
        return switch (shape) {
            case 1 -> time;
            case 2 -> time + "Z";
            default ->
                time
                        + "%s%02d:%02d"
                                .formatted(random.nextBoolean() ? "+" : "-", random.nextInt(18), random.nextInt(62));
        };
    }

    /**
     * The day of a generated value in Berlin, by java.time: PostgreSQL's rules where they are
     * wider (second 60 is the next minute's first) or narrower (years from 1000, offsets to 15:59).
     */
    private static Optional<LocalDate> expectedDay(String value) {
        try {
            int year = Integer.parseInt(value.substring(0, 4));
            LocalDate date = LocalDate.of(
                    year, Integer.parseInt(value.substring(5, 7)), Integer.parseInt(value.substring(8, 10)));
            if (year < 1000) {
                return Optional.empty();
            }
            if (value.length() == 10) {
                return Optional.of(date);
            }
            int second = Integer.parseInt(value.substring(17, 19));
            if (second > 60) {
                return Optional.empty();
            }
            LocalDateTime local = date.atTime(
                            Integer.parseInt(value.substring(11, 13)), Integer.parseInt(value.substring(14, 16)))
                    .plusSeconds(second);
            if (value.length() == 19) {
                return Optional.of(local.toLocalDate());
            }
            if (value.endsWith("Z")) {
                return Optional.of(
                        local.atOffset(ZoneOffset.UTC).atZoneSameInstant(BERLIN).toLocalDate());
            }
            int sign = value.charAt(19) == '-' ? -1 : 1;
            int hours = Integer.parseInt(value.substring(20, 22));
            if (hours > 15) {
                return Optional.empty();
            }
            ZoneOffset offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * Integer.parseInt(value.substring(23)));
            return Optional.of(local.atOffset(offset).atZoneSameInstant(BERLIN).toLocalDate());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
