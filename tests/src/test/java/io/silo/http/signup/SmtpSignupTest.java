package io.silo.http.signup;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sign-up with a real SMTP relay (GreenMail on a free local port), authenticated. */
class SmtpSignupTest {
    private static GreenMail smtp;
    private static TestSilo silo;

    @BeforeAll
    static void start() {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        smtp.setUser("noreply@silo.example", "silo-mailer", "smtp-secret");
        silo = TestSilo.start(
                1,
                Map.of(
                        "SILO_MAIL_SMTP_HOST", "127.0.0.1",
                        "SILO_MAIL_SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()),
                        "SILO_MAIL_SMTP_USER", "silo-mailer",
                        "SILO_MAIL_SMTP_PASSWORD", "smtp-secret",
                        "SILO_MAIL_SMTP_STARTTLS", "false",
                        "SILO_MAIL_FROM", "noreply@silo.example"));
    }

    @AfterAll
    static void stop() {
        silo.close();
        smtp.stop();
    }

    @Test
    void verificationMailGoesThroughSmtpAndItsTokenProvisionsTheOrganization() throws Exception {
        SiloClient client = silo.client();
        SiloClient.Response pending = client.post(
                "/api/signup",
                Map.of(
                        "organization", Map.of("name", "Relay Traders", "services", List.of("billing")),
                        "admin",
                                Map.of(
                                        "email",
                                        "founder@relay.example",
                                        "name",
                                        "Founder",
                                        "password",
                                        "founder-password")));
        assertThat(pending.status()).as(pending.text()).isEqualTo(202);

        assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage message = smtp.getReceivedMessages()[0];
        assertThat(message.getAllRecipients()[0].toString()).isEqualTo("founder@relay.example");
        assertThat(message.getFrom()[0].toString()).isEqualTo("noreply@silo.example");
        Matcher token = Pattern.compile("Token: (\\S+)").matcher(GreenMailUtil.getBody(message));
        assertThat(token.find()).isTrue();

        SiloClient.Response verified = client.post("/api/signup/verify", Map.of("token", token.group(1)));
        assertThat(verified.status()).as(verified.text()).isEqualTo(201);
        assertThat(verified.json().path("organization").path("slug").asString()).isEqualTo("relay-traders");
        assertThat(client.asAdmin()
                        .get("/api/admin/mail")
                        .json()
                        .path("transport")
                        .asString())
                .isEqualTo("smtp");
        assertThat(silo.config().dataDir().resolve("mail")).doesNotExist();
    }
}
