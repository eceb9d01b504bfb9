package io.silo.http.admin;

import io.silo.app.backup.BackupFolder;
import io.silo.app.backup.BackupJobs;
import io.silo.app.organization.OrganizationJson;
import io.silo.app.session.Principal;
import io.silo.error.ProblemType;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.job.Job;
import io.silo.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An organization's backups, for platform administrators: {@code POST
 * /api/admin/organizations/{org}/backups} starts one as a job ({@code organization.backup}, 202
 * with the job; {@code {"consistent": true}} for a tenant-wide cut), {@code GET …/backups} lists
 * its archives in {@code backups.dir}, {@code GET …/backups/{name}} downloads one (streamed, as it
 * is: encrypted), {@code POST …/backups/{name}/restore} restores one where it lies. {@code POST
 * /api/admin/restores?as=SLUG&cluster=C} takes an archive as the body, streamed to a file, and
 * restores it as a job ({@code organization.restore}). Either replaces the live organization with
 * {@code replace=true} and {@code confirm=SLUG} (the typed confirmation). Without {@code
 * backups.dir} and {@code backups.keyFile}, 409 {@code backups-not-configured}.
 *
 * <p>Thread-safe.
 */
public final class BackupEndpoints implements Endpoints {
    private static final String BACKUPS = "/api/admin/organizations/{org}/backups";
    /** The largest archive an upload may bring: the listener refuses more before the route runs. */
    static final long MAX_UPLOAD_BYTES = 64L * 1024 * 1024 * 1024;

    private final BackupJobs backups;
    private final Authenticator authenticator;

    public BackupEndpoints(BackupJobs backups, Authenticator authenticator) {
        this.backups = backups;
        this.authenticator = authenticator;
    }

    /** The body, which may be absent: every field may be missing (null). */
    record Body(Boolean consistent) {}

    /** The body of a listed archive's restore, which may be absent: every field may be missing (null). */
    record RestoreBody(String as, String cluster, Boolean replace, String confirm) {
        BackupJobs.RestoreRequest request() {
            return new BackupJobs.RestoreRequest(
                    Optional.ofNullable(as),
                    Optional.ofNullable(cluster),
                    Boolean.TRUE.equals(replace),
                    Optional.ofNullable(confirm));
        }
    }

    @Override
    public void register(Routes routes) {
        routes.post(BACKUPS, this::start);
        routes.get(BACKUPS, this::list);
        routes.get(BACKUPS + "/{name}", this::download);
        routes.post(BACKUPS + "/{name}/restore", this::restoreListed);
        routes.upload("/api/admin/restores", MAX_UPLOAD_BYTES, this::restore);
    }

    private void restore(Exchange exchange) {
        Principal admin = authenticator.platformAdmin(exchange);
        BackupJobs.RestoreRequest request = new BackupJobs.RestoreRequest(
                exchange.query("as"),
                exchange.query("cluster"),
                replace(exchange.query("replace")),
                exchange.query("confirm"));
        Job job = backups.startRestore(exchange.bodyStream(), request, Actors.of(exchange, admin));
        exchange.status(202).header("Location", "/api/admin/jobs/" + job.id()).json(OrganizationJson.job(job));
    }

    private void restoreListed(Exchange exchange) {
        Principal admin = authenticator.platformAdmin(exchange);
        String text = exchange.body();
        RestoreBody body = text.isBlank()
                ? new RestoreBody(null, null, null, null)
                : Json.mapper().readValue(text, RestoreBody.class);
        Job job = backups.restoreListed(
                exchange.pathParam("org"), exchange.pathParam("name"), body.request(), Actors.of(exchange, admin));
        exchange.status(202).header("Location", "/api/admin/jobs/" + job.id()).json(OrganizationJson.job(job));
    }

    private static boolean replace(Optional<String> value) {
        return switch (value.orElse("false")) {
            case "true" -> true;
            case "false", "" -> false;
            default ->
                throw ProblemType.INVALID_FIELD
                        .exception("query parameter 'replace' must be true or false, not '" + value.get() + "'")
                        .with("field", "replace");
        };
    }

    private void start(Exchange exchange) {
        Principal admin = authenticator.platformAdmin(exchange);
        String text = exchange.body();
        Body body = text.isBlank() ? new Body(null) : Json.mapper().readValue(text, Body.class);
        Job job = backups.start(
                exchange.pathParam("org"), Boolean.TRUE.equals(body.consistent()), Actors.of(exchange, admin));
        exchange.status(202).header("Location", "/api/admin/jobs/" + job.id()).json(OrganizationJson.job(job));
    }

    private void list(Exchange exchange) {
        authenticator.platformAdmin(exchange);
        List<Map<String, Object>> items = backups.list(exchange.pathParam("org")).stream()
                .map(BackupEndpoints::archive)
                .toList();
        exchange.json(Map.of("items", items));
    }

    private void download(Exchange exchange) {
        authenticator.platformAdmin(exchange);
        Path file = backups.archive(exchange.pathParam("org"), exchange.pathParam("name"));
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the backup " + file.getFileName(), e);
        }
        exchange.header("Content-Disposition", "attachment; filename=\"" + file.getFileName() + "\"").stream(
                "application/octet-stream", length, out -> {
                    try (InputStream in = Files.newInputStream(file)) {
                        in.transferTo(out);
                    }
                });
    }

    private static Map<String, Object> archive(BackupFolder.Archive archive) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", archive.name());
        body.put("bytes", archive.bytes());
        body.put("createdAt", archive.at().toString());
        return body;
    }
}
