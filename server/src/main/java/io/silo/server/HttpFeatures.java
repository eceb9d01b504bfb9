package io.silo.server;

import io.silo.config.ConfigException;
import io.silo.config.SiloConfig;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.collection.DocumentStore;
import io.silo.postgres.control.SigningKeyStore;
import io.silo.postgres.control.SignupStore;
import io.silo.server.admin.AuditEndpoints;
import io.silo.server.admin.PoolEndpoints;
import io.silo.server.auth.AuthEndpoints;
import io.silo.server.auth.Authenticator;
import io.silo.server.auth.Sessions;
import io.silo.server.auth.TenantGate;
import io.silo.server.auth.TokenService;
import io.silo.server.authz.Access;
import io.silo.server.data.ActivityEndpoints;
import io.silo.server.data.DataEndpoints;
import io.silo.server.health.HealthEndpoints;
import io.silo.server.health.TenantHealthEndpoints;
import io.silo.server.http.Endpoints;
import io.silo.server.identity.LoginEndpoints;
import io.silo.server.identity.MemberLogin;
import io.silo.server.identity.MemberSubjects;
import io.silo.server.identity.UserEndpoints;
import io.silo.server.identity.Users;
import io.silo.server.mail.MailEndpoints;
import io.silo.server.mail.Mailer;
import io.silo.server.openapi.OpenApiEndpoint;
import io.silo.server.signup.SignupEndpoints;
import io.silo.server.signup.Signups;
import io.silo.server.tenant.OrganizationEndpoints;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** The last phase: tokens and sessions, and every feature's routes, in the order they are listed in the API. */
final class HttpFeatures {
    private HttpFeatures() {}

    static List<Endpoints> of(
            SiloConfig config,
            SiloOptions options,
            TemplateCatalog templates,
            ControlPlane control,
            DataPlane data,
            Operations operations) {
        Clock clock = options.clock();
        var jdbc = control.jdbc();
        TokenService tokens = new TokenService(
                new SigningKeyStore(jdbc, control.secrets()),
                clock,
                config.tokens().issuer(),
                config.tokens().accessTtl(),
                config.tokens().keyRotation());
        Authenticator authenticator = new Authenticator(tokens);
        TenantGate gate = new TenantGate(data.placements());
        ActivityLog activity = new ActivityLog();
        Access access = new Access(templates);
        MemberSubjects members = new MemberSubjects(control.tenants(), data.connections(), data.users());
        Sessions sessions = new Sessions(
                control.refreshTokens(),
                tokens,
                clock,
                config.tokens().refreshTtl(),
                token -> switch (token.subjectKind()) {
                    case "admin" -> control.platformAdmins().resolve(token.subjectId());
                    case "user" -> members.resolve(token);
                    default -> Optional.empty();
                });
        Mailer mailer = Mailer.of(config.mail(), config.dataDir(), clock);
        return List.of(
                new HealthEndpoints(control.database(), control.clusters(), authenticator),
                new AuthEndpoints(
                        control.platformAdmins(),
                        sessions,
                        tokens,
                        authenticator,
                        control.audit(),
                        config.login(),
                        clock),
                new LoginEndpoints(
                        new MemberLogin(
                                control.tenants(),
                                data.connections(),
                                data.users(),
                                control.directory(),
                                control.hasher(),
                                clock,
                                config.login()),
                        sessions,
                        authenticator,
                        access,
                        control.tenants(),
                        data.connections(),
                        data.users()),
                new SignupEndpoints(new Signups(
                        new SignupStore(jdbc),
                        operations.organizations(),
                        mailer,
                        control.hasher(),
                        clock,
                        config.signup(),
                        signupServices(config.signup(), templates))),
                new OrganizationEndpoints(operations.organizations(), authenticator),
                new UserEndpoints(
                        new Users(
                                control.tenants(),
                                data.connections(),
                                data.users(),
                                control.directory(),
                                data.relay(),
                                sessions,
                                access,
                                control.hasher(),
                                clock,
                                options.userCommitObserver()),
                        authenticator),
                new DataEndpoints(
                        authenticator, gate, templates, data.connections(), new DocumentStore(clock), activity, access),
                new ActivityEndpoints(authenticator, gate, data.connections(), activity, data.users()),
                new TenantHealthEndpoints(authenticator, gate, data.connections(), templates),
                new AuditEndpoints(control.audit(), authenticator),
                new PoolEndpoints(data.pools(), authenticator),
                new MailEndpoints(mailer, authenticator),
                OpenApiEndpoint.load(),
                data.metrics());
    }

    /** The services sign-up offers: as configured, else every service but core; an unknown one stops start-up. */
    private static List<String> signupServices(SiloConfig.Signup signup, TemplateCatalog templates) {
        List<String> known = templates.all().stream()
                .map(ServiceTemplate::service)
                .filter(service -> !ServiceTemplate.CORE.equals(service))
                .toList();
        for (String service : signup.services()) {
            if (!known.contains(service)) {
                throw new ConfigException("invalid signup.services: there is no service '" + service
                        + "'; the services are " + String.join(", ", known));
            }
        }
        return signup.services().isEmpty() ? known : signup.services();
    }
}
