package io.silo.app.mail;

import io.silo.config.SiloConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * Sends mail. Either through an SMTP relay, or, when none is configured, into a local mailbox of
 * {@code .eml} files that platform administrators can read over HTTP, so that sign-up works on a
 * bare machine.
 *
 * <p>Implementations are thread-safe.
 */
public sealed interface Mailer permits SmtpMailer, LocalMailbox {

    /** Sends {@code message}; a failure is a 503 {@code mail-unavailable}. */
    void send(MailMessage message);

    /** The local mailbox that keeps what is sent, when mail goes there rather than to a relay. */
    default Optional<LocalMailbox> mailbox() {
        return Optional.empty();
    }

    /** SMTP when {@code mail.smtp.host} is set, else the local mailbox under {@code <data.dir>/mail}. */
    static Mailer of(SiloConfig.Mail config, Path dataDir, Clock clock) {
        return config.smtp()
                .<Mailer>map(smtp -> new SmtpMailer(smtp, config.from(), clock))
                .orElseGet(() -> new LocalMailbox(dataDir.resolve("mail"), config.from(), clock));
    }
}
