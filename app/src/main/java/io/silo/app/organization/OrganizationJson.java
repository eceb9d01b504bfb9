package io.silo.app.organization;

import io.silo.job.Job;
import io.silo.job.StepProgress;
import io.silo.tenant.Contact;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** How organizations and jobs look in JSON. */
public final class OrganizationJson {
    private OrganizationJson() {}

    public static Map<String, Object> of(Tenant tenant) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", tenant.id().toString());
        body.put("slug", tenant.slug());
        body.put("externalId", tenant.externalId().orElse(null));
        body.put("name", tenant.name());
        body.put("businessType", tenant.businessType().orElse(null));
        body.put("status", tenant.status().value());
        tenant.statusReason().ifPresent(reason -> body.put("statusReason", reason));
        body.put("license", tenant.license().orElse(null));
        body.put("quotas", tenant.quotas().limits());
        body.put("features", tenant.features());
        body.put("adminContact", contact(tenant.adminContact()));
        body.put("billingContact", contact(tenant.billingContact()));
        body.put("notes", tenant.notes().orElse(null));
        body.put("corsOrigins", tenant.corsOrigins());
        body.put(
                "passwordPolicy",
                tenant.passwordMinLength().map(min -> Map.of("minLength", min)).orElse(null));
        tenant.deleteAfter().ifPresent(at -> body.put("deleteAfter", at.toString()));
        body.put("createdAt", tenant.createdAt().toString());
        body.put("updatedAt", tenant.updatedAt().toString());
        body.put(
                "databases",
                tenant.databases().stream().map(OrganizationJson::database).toList());
        return body;
    }

    public static Map<String, Object> database(TenantDatabase database) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", database.service());
        body.put("cluster", database.clusterId());
        body.put("name", database.databaseName());
        body.put("state", database.state().value());
        body.put("schemaVersion", database.schemaVersion());
        body.put("templateVersion", database.templateVersion());
        database.error().ifPresent(error -> body.put("error", error));
        return body;
    }

    public static Map<String, Object> job(Job job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", job.id().toString());
        body.put("kind", job.kind());
        body.put("tenantId", job.tenantId().map(Object::toString).orElse(null));
        body.put("state", job.state().value());
        body.put("steps", job.steps());
        body.put("stepsDone", job.nextStep());
        body.put(
                "currentStep", job.state().finished() ? null : job.currentStep().orElse(null));
        body.put("attempts", job.attempts());
        body.put(
                "progress",
                job.state().finished()
                        ? null
                        : job.progress().map(OrganizationJson::progress).orElse(null));
        body.put("cancelRequested", job.cancelRequested());
        body.put("error", job.error().orElse(null));
        body.put("createdAt", job.createdAt().toString());
        body.put("updatedAt", job.updatedAt().toString());
        body.put("finishedAt", job.finishedAt().map(Object::toString).orElse(null));
        // the cluster a job works on (the one drained, moved to, restored onto), so that a list can name it
        if (job.payload().path("cluster").isString()) {
            body.put("cluster", job.payload().path("cluster").asString());
        }
        return body;
    }

    /** Progress inside the current step: counts, and a rate and ETA once two reports are apart in time. */
    public static Map<String, Object> progress(StepProgress progress) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("done", progress.done());
        body.put("failed", progress.failed());
        body.put("remaining", progress.remaining());
        body.put("total", progress.total());
        body.put(
                "ratePerSecond",
                progress.ratePerSecond()
                        .map(rate -> Math.round(rate * 100) / 100.0)
                        .orElse(null));
        body.put("etaSeconds", progress.eta().map(Duration::toSeconds).orElse(null));
        body.put("reportedAt", progress.at().toString());
        return body;
    }

    private static Map<String, Object> contact(Optional<Contact> contact) {
        if (contact.isEmpty()) {
            return null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", contact.get().email());
        body.put("name", contact.get().name().orElse(null));
        body.put("phone", contact.get().phone().orElse(null));
        return body;
    }
}
