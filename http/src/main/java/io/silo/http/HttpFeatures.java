package io.silo.http;

import io.silo.app.Application;
import io.silo.app.cluster.StorageSizes;
import io.silo.http.admin.AuditEndpoints;
import io.silo.http.admin.AuthTestEndpoints;
import io.silo.http.admin.BackupEndpoints;
import io.silo.http.admin.ClusterEndpoints;
import io.silo.http.admin.ImportEndpoints;
import io.silo.http.admin.InsightEndpoints;
import io.silo.http.admin.JobEndpoints;
import io.silo.http.admin.MigrationEndpoints;
import io.silo.http.admin.MoveEndpoints;
import io.silo.http.admin.OrganizationUserEndpoints;
import io.silo.http.admin.PoolEndpoints;
import io.silo.http.admin.TemplateEndpoints;
import io.silo.http.auth.AuthEndpoints;
import io.silo.http.auth.Authenticator;
import io.silo.http.console.ConsoleEndpoints;
import io.silo.http.data.ActivityEndpoints;
import io.silo.http.data.DataEndpoints;
import io.silo.http.file.FileEndpoints;
import io.silo.http.health.HealthEndpoints;
import io.silo.http.health.TenantHealthEndpoints;
import io.silo.http.identity.InvitationEndpoints;
import io.silo.http.identity.LoginEndpoints;
import io.silo.http.identity.MemberEndpoints;
import io.silo.http.identity.PasswordEndpoints;
import io.silo.http.identity.UserEndpoints;
import io.silo.http.mail.MailEndpoints;
import io.silo.http.metrics.MetricsEndpoint;
import io.silo.http.openapi.OpenApiEndpoint;
import io.silo.http.organization.OrganizationEndpoints;
import io.silo.http.organization.OrganizationServiceEndpoints;
import io.silo.http.organization.OwnOrganizationEndpoints;
import io.silo.http.server.Endpoints;
import io.silo.http.server.RequestHistory;
import io.silo.http.signup.SignupEndpoints;
import java.util.List;

/**
 * Every feature's routes over the application's services. The data routes come first: the router
 * tries routes in order, and they take nearly all the traffic; the others follow in the order of
 * the API description.
 */
final class HttpFeatures {
    private HttpFeatures() {}

    static List<Endpoints> of(Application app, RequestHistory history) {
        Authenticator authenticator = new Authenticator(app.tokens(), app.platformAdmins());
        return List.of(
                new DataEndpoints(authenticator, app.documents()),
                new FileEndpoints(authenticator, app.documents(), app.files(), app.templates()),
                new HealthEndpoints(app.control(), app.clusters(), app.tenants(), authenticator),
                new AuthEndpoints(
                        app.platformAdmins(), app.sessions(), app.tokens(), authenticator, app.audit(), app.signIns()),
                new LoginEndpoints(app.logins(), app.sessions(), authenticator, app.access(), app.users()),
                new PasswordEndpoints(app.passwords(), authenticator),
                new InvitationEndpoints(app.invitations(), authenticator),
                new SignupEndpoints(app.signups()),
                new OrganizationEndpoints(app.organizations(), authenticator, app.users()),
                new OrganizationServiceEndpoints(app.organizationServices(), authenticator),
                new OwnOrganizationEndpoints(app.organizations(), app.users(), authenticator),
                new UserEndpoints(app.users(), authenticator),
                new OrganizationUserEndpoints(app.users(), app.organizations(), authenticator),
                new MemberEndpoints(app.members(), authenticator),
                new ActivityEndpoints(authenticator, app.activity()),
                new TenantHealthEndpoints(authenticator, app.gate(), app.connections(), app.templates()),
                new AuditEndpoints(app.audit(), authenticator),
                new JobEndpoints(app.jobs(), app.jobDetails(), authenticator),
                new ClusterEndpoints(app.clusterRegistry(), authenticator),
                new PoolEndpoints(app.pools(), authenticator),
                new TemplateEndpoints(app.templateReload(), authenticator),
                new MigrationEndpoints(app.rollouts(), authenticator),
                new ImportEndpoints(app.importJobs(), authenticator),
                new MoveEndpoints(app.moves(), authenticator),
                new BackupEndpoints(app.backupJobs(), authenticator),
                new MailEndpoints(app.mailer(), authenticator),
                new AuthTestEndpoints(app.logins(), app.access(), app.audit(), authenticator),
                new InsightEndpoints(
                        history,
                        new StorageSizes(
                                app.tenants(), app.clusters(), app.options().clock()),
                        app.tenants(),
                        authenticator),
                OpenApiEndpoint.load(),
                ConsoleEndpoints.load(),
                new MetricsEndpoint(
                        app.metrics(), authenticator, app.config().http().metricsToken()));
    }
}
