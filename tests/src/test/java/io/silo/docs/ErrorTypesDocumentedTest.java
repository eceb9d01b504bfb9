package io.silo.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Clients may branch on a problem's type, so every type the code can raise is listed in docs/errors.md. */
class ErrorTypesDocumentedTest {
    private static final Pattern RAISED = Pattern.compile(
            "(?:invalid|unprocessable|notFound|conflict|forbidden|unauthenticated|unavailable)\\(\\s*\"([a-z0-9-]+)\""
                    + "|ErrorKind\\.[A-Z_]+,\\s*\"([a-z0-9-]+)\"");

    @Test
    void everyProblemTypeInTheCodeIsDocumented() throws IOException {
        Path root = Path.of("..");
        String docs = Files.readString(root.resolve("docs/errors.md"));
        Set<String> types = new TreeSet<>();
        for (String module : new String[] {"core", "postgres", "app", "http", "cli"}) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                files.filter(file -> file.toString().endsWith(".java")).forEach(file -> collect(file, types));
            }
        }

        assertThat(types).hasSizeGreaterThan(50);
        assertThat(types)
                .allSatisfy(type -> assertThat(docs)
                        .as("docs/errors.md lists `" + type + "`")
                        .contains("`" + type + "`"));
    }

    private static void collect(Path file, Set<String> types) {
        try {
            Matcher matcher = RAISED.matcher(Files.readString(file));
            while (matcher.find()) {
                types.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
