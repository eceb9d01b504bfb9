package io.silo.app.mail;

import io.silo.config.SiloConfig;
import io.silo.error.ProblemType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends mail through an SMTP relay, with STARTTLS when configured (required, not merely tried,
 * so a relay that drops it cannot downgrade the connection to plain text). Timeouts are bounded
 * so that a stuck relay fails a request instead of hanging it.
 *
 * <p>Thread-safe: a {@link Session} is shared, each send opens its own connection.
 */
public final class SmtpMailer implements Mailer {
    private static final Logger log = LoggerFactory.getLogger(SmtpMailer.class);
    private static final String TIMEOUT_MILLIS = "10000";

    private final SiloConfig.Smtp smtp;
    private final String from;
    private final Session session;
    private final Clock clock;

    SmtpMailer(SiloConfig.Smtp smtp, String from, Clock clock) {
        this.smtp = smtp;
        this.from = from;
        this.clock = clock;
        Properties props = new Properties();
        props.put("mail.smtp.host", smtp.host());
        props.put("mail.smtp.port", Integer.toString(smtp.port()));
        props.put("mail.smtp.auth", Boolean.toString(smtp.user().isPresent()));
        props.put("mail.smtp.starttls.enable", Boolean.toString(smtp.starttls()));
        props.put("mail.smtp.starttls.required", Boolean.toString(smtp.starttls()));
        props.put("mail.smtp.connectiontimeout", TIMEOUT_MILLIS);
        props.put("mail.smtp.timeout", TIMEOUT_MILLIS);
        props.put("mail.smtp.writetimeout", TIMEOUT_MILLIS);
        this.session = Session.getInstance(props);
    }

    @Override
    public void send(MailMessage message) {
        try {
            var mime = Messages.mime(session, from, message, clock);
            if (smtp.user().isPresent()) {
                Transport.send(mime, smtp.user().get(), smtp.password().orElse(""));
            } else {
                Transport.send(mime);
            }
            log.info("sent mail '{}' to {} through {}:{}", message.subject(), message.to(), smtp.host(), smtp.port());
        } catch (MessagingException e) {
            log.error("cannot send mail through {}:{}: {}", smtp.host(), smtp.port(), e.getMessage());
            throw ProblemType.MAIL_UNAVAILABLE
                    .exception("the verification mail could not be sent; try again later", e)
                    .retryAfter(Duration.ofSeconds(60));
        }
    }
}
