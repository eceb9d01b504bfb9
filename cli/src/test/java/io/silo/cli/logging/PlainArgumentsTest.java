package io.silo.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** Silo's own log configuration escapes control characters in arguments, and only there. */
class PlainArgumentsTest {

    @Test
    void aLineBreakInAnArgumentCannotForgeALogLine() throws Exception {
        String written = logWithSilosConfiguration(log -> log.info(
                "sign-up for organization '{}' pending\nsecond line of Silo's own",
                "Acme\n12:00:00.000 INFO forged\r\t\u0007"));

        assertThat(written)
                .contains("sign-up for organization 'Acme\\n12:00:00.000 INFO forged\\r\\t\\u0007' pending")
                .as("the message's own line break stays")
                .contains("pending\nsecond line of Silo's own");
        assertThat(written.lines().filter(line -> line.contains("forged"))).hasSize(1);
    }

    @Test
    void argumentsWithoutControlCharactersAndMessagesWithoutArgumentsAreUnchanged() {
        assertThat(PlainArguments.escape("Café Ünïcode – ok")).isEqualTo("Café Ünïcode – ok");
        assertThat(PlainArguments.escape("a\u2028b")).isEqualTo("a\\u2028b");
    }

    /** What Silo's own {@code logback.xml} writes for the events {@code logging} makes. */
    private static String logWithSilosConfiguration(java.util.function.Consumer<Logger> logging) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(PlainArgumentsTest.class.getResource("/logback.xml"));
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        @SuppressWarnings("unchecked")
        OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) root.getAppender("console");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.setContext(context);
        events.start();
        root.addAppender(events);
        try {
            logging.accept(context.getLogger("io.silo.test"));
        } finally {
            context.stop();
        }
        StringBuilder written = new StringBuilder();
        events.list.forEach(
                event -> written.append(new String(console.getEncoder().encode(event), StandardCharsets.UTF_8)));
        return written.toString();
    }
}
