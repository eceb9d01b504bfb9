package io.silo.postgres.collection;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The examples of RFC 7386, appendix A, and that neither input is modified. */
class MergePatchTest {

    @Test
    void rfc7386AppendixExamples() {
        String[][] cases = {
            {"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
            {"{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
            {"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
            {"{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
            {"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
            {"{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
            {"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"},
            {"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
            {"[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"},
            {"{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"},
            {"{\"a\":\"foo\"}", "null", "null"},
            {"{\"a\":\"foo\"}", "\"bar\"", "\"bar\""},
            {"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
            {"[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"},
            {"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"},
        };
        for (String[] example : cases) {
            assertThat(MergePatch.apply(Json.read(example[0]), Json.read(example[1])))
                    .as(example[0] + " + " + example[1])
                    .isEqualTo(Json.read(example[2]));
        }
    }

    @Test
    void neitherInputIsModified() {
        JsonNode target = Json.read("{\"a\":{\"b\":1,\"c\":2},\"d\":[1]}");
        JsonNode patch = Json.read("{\"a\":{\"b\":null,\"e\":{\"f\":1}},\"d\":[2]}");

        JsonNode result = MergePatch.apply(target, patch);
        ((tools.jackson.databind.node.ObjectNode) result.get("a").get("e")).put("g", 1);

        assertThat(target).isEqualTo(Json.read("{\"a\":{\"b\":1,\"c\":2},\"d\":[1]}"));
        assertThat(patch).isEqualTo(Json.read("{\"a\":{\"b\":null,\"e\":{\"f\":1}},\"d\":[2]}"));
    }
}
