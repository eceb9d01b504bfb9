package io.silo.app.migration;

import io.silo.audit.AuditEntry;
import io.silo.config.ConfigException;
import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.ReleasedSteps;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.template.TemplateCatalog;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new template version taken in without a restart ({@code docs/templates.md}): the services
 * folder read again and checked as start-up checks it (every template valid, no released step
 * removed or edited) and as a running Silo must ({@link TemplateCatalog#adopt}: versions added,
 * none changed or missing), then served; a rollout can follow at once. Refused, nothing changes.
 *
 * <p>The instance asked tells the others ({@value #CHANNEL}); each reads its own services folder,
 * so the files are deployed on every instance first. An instance whose folder is refused keeps what
 * it serves and warns; one that missed the notification (its listener reconnecting) reads the folder
 * again when it listens again, and a rollout claimed by an instance still behind is tried again.
 *
 * <p>Thread-safe.
 */
public final class TemplateReload {
    /** The control database's channel on which a reload tells the other instances. */
    public static final String CHANNEL = "silo_templates";

    private static final Logger log = LoggerFactory.getLogger(TemplateReload.class);

    private final TemplateCatalog templates;
    private final Optional<Path> servicesDir;
    private final ReleasedSteps released;
    private final Jdbc control;
    private final AuditLog audit;
    private final AtomicBoolean listenedBefore = new AtomicBoolean();
    /** This instance's name in its notifications, so that it does not read its folder again on its own. */
    private final String instance = Secrets.token(9);

    /**
     * @param templates the catalog this instance serves, which a reload changes in place
     * @param servicesDir the operator's services folder, as at start-up
     * @param control the control database: the released steps, and the channel to the other instances
     */
    public TemplateReload(
            TemplateCatalog templates,
            Optional<Path> servicesDir,
            ReleasedSteps released,
            Jdbc control,
            AuditLog audit) {
        this.templates = templates;
        this.servicesDir = servicesDir;
        this.released = released;
        this.control = control;
        this.audit = audit;
    }

    /**
     * Reloads this instance's templates, then tells every other instance to reload its own, even
     * when nothing changed here (another may be behind); recorded in the master audit log.
     *
     * @return the services whose newest version rose here
     * @throws SiloException {@code template-reload-refused}, one line per problem ({@code errors})
     */
    public List<TemplateCatalog.Raised> reload(AuditEntry.Actor actor) {
        List<TemplateCatalog.Raised> raised = reloadHere();
        control.queryOne("SELECT pg_notify(?, ?)", row -> 1, CHANNEL, instance);
        audit.append(new AuditEntry(
                actor,
                "templates.reload",
                "templates",
                servicesDir.map(Path::toString).orElse("(shipped)"),
                Optional.empty(),
                Map.of(
                        "raised",
                        raised.stream()
                                .map(one -> one.service() + " " + one.from() + " -> " + one.to())
                                .toList())));
        return raised;
    }

    /**
     * An instance reloaded ({@code payload} names it): unless it was this one, this one reads its own
     * folder; a refusal is warned of, not thrown.
     */
    public void heard(String payload) {
        if (!instance.equals(payload)) {
            reloadQuietly("another instance reloaded its templates");
        }
    }

    /**
     * The listener listens again: a reload may have been missed meanwhile. Not the first time, when
     * the templates were just loaded.
     */
    public void resync() {
        if (listenedBefore.getAndSet(true)) {
            reloadQuietly("listening again, a reload may have been missed");
        }
    }

    private void reloadQuietly(String why) {
        try {
            reloadHere();
        } catch (RuntimeException e) {
            log.warn("templates not reloaded ({}); this instance serves what it served: {}", why, e.getMessage());
        }
    }

    private List<TemplateCatalog.Raised> reloadHere() {
        TemplateCatalog newer;
        try {
            newer = TemplateCatalog.load(servicesDir);
            released.check(newer);
        } catch (ConfigException | UncheckedIOException e) {
            throw refused(e.getMessage()); // the folder gone or unreadable
        } catch (SiloException e) {
            if (e.problem() != ProblemType.INVALID_TEMPLATE && e.problem() != ProblemType.MIGRATION_STEP_EDITED) {
                throw e; // the control database away, say: not the folder's fault
            }
            throw refused(e.getMessage());
        }
        List<TemplateCatalog.Raised> raised = templates.adopt(newer);
        for (TemplateCatalog.Raised one : raised) {
            log.info("templates reloaded: service {} is at version {} (was {})", one.service(), one.to(), one.from());
        }
        return raised;
    }

    private static SiloException refused(String problems) {
        return ProblemType.TEMPLATE_RELOAD_REFUSED
                .exception(problems)
                .with("errors", problems.lines().toList());
    }
}
