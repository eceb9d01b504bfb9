package io.silo.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/templates.md shows a complete template; it must stay one that loads. */
class TemplateDocsTest {

    @Test
    void theCompleteExampleOfTheDocumentationLoads() throws IOException {
        String docs = Files.readString(Path.of("../docs/templates.md"));
        int start = docs.indexOf("```yaml\n") + "```yaml\n".length();
        String example = docs.substring(start, docs.indexOf("```", start));

        ServiceTemplate template = TemplateLoader.load("docs/templates.md", example);

        assertThat(template.service()).isEqualTo("helpdesk");
        assertThat(template.version()).isEqualTo(2);
        assertThat(template.migrations().get(1).operations()).hasSize(4);
        assertThat(template.collection("tickets").orElseThrow().indexes()).hasSize(3);
        assertThat(IndexNames.index(
                        "tickets",
                        template.collection("tickets")
                                .orElseThrow()
                                .indexes()
                                .get(1)
                                .fields()))
                .as("the name the documentation shows")
                .isEqualTo("tickets_requester_email_status_idx");
    }
}
