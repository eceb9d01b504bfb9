package io.silo.app.migration;

import io.silo.audit.AuditEntry;
import io.silo.config.ConfigException;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.control.ReleasedSteps;
import io.silo.postgres.control.TemplateReloads;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * New template versions taken in without a restart ({@code docs/operations.md}): the services
 * folder read again and checked as start-up checks it (every template valid, no released step
 * removed or edited) and as a running Silo must ({@link TemplateCatalog#adopt}: versions added,
 * none changed or missing), then served; a rollout can follow. Refused, nothing changes here.
 *
 * <p>The instance asked tells the others ({@link TemplateReloads}); each reads its own services
 * folder, so the files are deployed on every instance first. An instance whose folder is refused
 * keeps what it serves and warns. One that listens again after a gap reads its folder again only
 * if a reload was asked for meanwhile (the generation moved on), not for files staged but not yet
 * asked for. A reload asked for between an instance's start-up reading its folder and this object
 * reading the generation (part of a second) is missed by it until the next one asked for.
 *
 * <p>Thread-safe: reloads run one at a time; those heard run off the listener's thread, which
 * reads nothing for them.
 */
public final class TemplateReload {
    private static final Logger log = LoggerFactory.getLogger(TemplateReload.class);

    private final TemplateCatalog templates;
    private final Optional<Path> servicesDir;
    private final ReleasedSteps released;
    private final TemplateReloads reloads;
    /** The newest generation this instance has acted on. */
    private final AtomicLong seen;

    private final AtomicBoolean queued = new AtomicBoolean();
    /** Reloads one at a time; a lock, not a monitor, as virtual threads take it. */
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param templates the catalog this instance serves, which a reload changes in place
     * @param servicesDir the operator's services folder, as at start-up
     */
    public TemplateReload(
            TemplateCatalog templates, Optional<Path> servicesDir, ReleasedSteps released, TemplateReloads reloads) {
        this.templates = templates;
        this.servicesDir = servicesDir;
        this.released = released;
        this.reloads = reloads;
        this.seen = new AtomicLong(reloads.generation());
    }

    /** A reload's answer: the services whose newest version rose here, and every service's newest now. */
    public record Reloaded(List<TemplateCatalog.Raised> raised, List<ServiceTemplate> services) {}

    /**
     * Reloads this instance's templates, then has every other instance reload its own (asked even
     * when nothing rose here: another may be behind); recorded in the master audit log. Asking again
     * after a failure is safe.
     *
     * @throws SiloException {@code template-reload-refused}, one line per problem ({@code errors})
     */
    public Reloaded reload(AuditEntry.Actor actor) {
        lock.lock();
        try {
            List<TemplateCatalog.Raised> raised = reloadHere();
            ask(actor, raised);
            return new Reloaded(raised, templates.all());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Has every running instance reload its own folder, this one aside: for {@code silo templates
     * reload}, whose process checked the folder as start-up does when it started.
     */
    public void askInstances(AuditEntry.Actor actor) {
        lock.lock();
        try {
            ask(actor, List.of());
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock, so that this instance's own notification, heard meanwhile, finds it seen. */
    private void ask(AuditEntry.Actor actor, List<TemplateCatalog.Raised> raised) {
        long generation = reloads.ask(new AuditEntry(
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
        seen.accumulateAndGet(generation, Math::max);
    }

    /**
     * A reload was asked for ({@code payload}: its generation): this instance reads its folder if
     * the generation moved past what it has seen, which its own reloads have.
     */
    public void heard(String payload) {
        reloadSoon("a reload was asked for on another instance");
    }

    /** The listener listens again: a reload asked for meanwhile was missed. */
    public void resync() {
        reloadSoon("a reload was asked for while this instance was not listening");
    }

    /**
     * Off the listener's thread, which every placement change waits behind: reads the folder again
     * when the generation moved on past what this instance has seen; at most one waits.
     */
    private void reloadSoon(String why) {
        if (!queued.compareAndSet(false, true)) {
            return;
        }
        try {
            Thread.ofVirtual().name("silo-template-reload").start(() -> reloadIfAsked(why));
        } catch (RuntimeException | Error e) {
            queued.set(false);
            throw e;
        }
    }

    private void reloadIfAsked(String why) {
        lock.lock();
        try {
            queued.set(false);
            long generation = reloads.generation();
            if (generation <= seen.get()) {
                return; // this instance's own, or one it has read already
            }
            try {
                reloadHere();
                seen.accumulateAndGet(generation, Math::max);
            } catch (SiloException e) {
                if (e.problem() == ProblemType.TEMPLATE_RELOAD_REFUSED) {
                    // the folder refused is warned of once, not again at each reconnect: the next
                    // reload asked for tries it again
                    seen.accumulateAndGet(generation, Math::max);
                }
                throw e;
            }
        } catch (Throwable e) {
            log.warn("templates not reloaded ({}); this instance serves what it served: {}", why, e.getMessage());
            if (e instanceof Error error) {
                throw error;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private List<TemplateCatalog.Raised> reloadHere() {
        TemplateCatalog newer;
        try {
            newer = TemplateCatalog.load(servicesDir);
            released.check(newer);
        } catch (ConfigException | UncheckedIOException e) {
            // the folder gone or unreadable
            throw TemplateCatalog.reloadRefused(List.of(String.valueOf(e.getMessage())));
        } catch (SiloException e) {
            if (e.problem() != ProblemType.INVALID_TEMPLATE && e.problem() != ProblemType.MIGRATION_STEP_EDITED) {
                throw e; // the control database away, say: not the folder's fault
            }
            throw TemplateCatalog.reloadRefused(problems(e));
        }
        List<TemplateCatalog.Raised> raised = templates.adopt(newer);
        for (TemplateCatalog.Raised one : raised) {
            log.info("templates reloaded: service {} is at version {} (was {})", one.service(), one.to(), one.from());
        }
        return raised;
    }

    /** The problems a refusal names: the {@code errors} of an invalid template, else its lines. */
    private static List<String> problems(SiloException e) {
        if (e.extensions().get("errors") instanceof List<?> errors) {
            return errors.stream().map(String::valueOf).toList();
        }
        return e.getMessage().lines().toList();
    }
}
