package io.silo.http.admin;

import io.silo.app.imports.Imports;
import io.silo.app.organization.OrganizationJson;
import io.silo.app.session.Principal;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.job.Job;

/**
 * {@code POST /api/admin/imports}, for platform administrators: an import from MongoDB of a folder
 * inside {@code imports.dir} ({@code docs/import.md}), started as a job ({@code organization.import})
 * that the job workers run; 202 with the job, whose progress and, once it ended, report {@code GET
 * /api/admin/jobs/{id}} shows. Without {@code imports.dir}, 409 {@code imports-not-configured}; a path
 * outside it, 400 {@code invalid-import-path}.
 *
 * <p>Thread-safe.
 */
public final class ImportEndpoints implements Endpoints {
    private final Imports imports;
    private final Authenticator authenticator;

    public ImportEndpoints(Imports imports, Authenticator authenticator) {
        this.imports = imports;
        this.authenticator = authenticator;
    }

    /** The body as it arrives: any field may be missing (null). */
    record Body(String folder, String layout, String mapping, String source) {}

    @Override
    public void register(Routes routes) {
        routes.post("/api/admin/imports", this::start);
    }

    private void start(Exchange exchange) {
        Principal admin = authenticator.platformAdmin(exchange);
        Body body = Bodies.read(exchange, Body.class);
        Job job = imports.startInFolder(
                new Imports.FolderRequest(body.folder(), body.layout(), body.mapping(), body.source()),
                Actors.of(exchange, admin));
        exchange.status(202).header("Location", "/api/admin/jobs/" + job.id()).json(OrganizationJson.job(job));
    }
}
