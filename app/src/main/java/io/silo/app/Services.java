package io.silo.app;

import io.silo.app.access.Access;
import io.silo.app.activity.Activity;
import io.silo.app.admin.AdminAccounts;
import io.silo.app.admission.ActiveOrganizations;
import io.silo.app.admission.OrganizationOrigins;
import io.silo.app.admission.TenantGate;
import io.silo.app.document.Documents;
import io.silo.app.file.DocumentFiles;
import io.silo.app.identity.Invitations;
import io.silo.app.identity.MemberLogin;
import io.silo.app.identity.MemberSubjects;
import io.silo.app.identity.Members;
import io.silo.app.identity.PasswordChanges;
import io.silo.app.identity.Users;
import io.silo.app.mail.Mailer;
import io.silo.app.session.Sessions;
import io.silo.app.session.TokenService;
import io.silo.app.signup.Signups;
import io.silo.app.throttle.SignInThrottle;
import io.silo.config.ConfigException;
import io.silo.config.SiloConfig;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.collection.DocumentStore;
import io.silo.postgres.control.InvitationStore;
import io.silo.postgres.control.PasswordResetStore;
import io.silo.postgres.file.FileStore;
import io.silo.postgres.idempotency.IdempotencyStore;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The last phase: the services every client calls, each built once. Tokens and sessions, sign-in,
 * users, sign-up, documents and their files, sharing one activity log, one mailer and one access policy.
 */
record Services(
        TokenService tokens,
        SignInThrottle signIns,
        Sessions sessions,
        TenantGate gate,
        OrganizationOrigins origins,
        Access access,
        MemberLogin logins,
        Users users,
        PasswordChanges passwords,
        Invitations invitations,
        Members members,
        Signups signups,
        Documents documents,
        DocumentFiles files,
        Activity activity,
        AdminAccounts adminAccounts) {

    static Services open(
            SiloConfig config,
            SiloOptions options,
            TemplateCatalog templates,
            ControlPlane control,
            DataPlane data,
            Operations operations,
            Mailer mailer) {
        Clock clock = options.clock();
        TokenService tokens = new TokenService(
                control.signingKeys(),
                data.revokedSessions(),
                clock,
                config.tokens().issuer(),
                config.tokens().accessTtl(),
                config.tokens().keyRotation());
        Access access = new Access(templates);
        ActivityLog activity = new ActivityLog();
        MemberSubjects members = new MemberSubjects(control.tenants(), data.connections(), data.users());
        Sessions sessions = new Sessions(
                control.refreshTokens(),
                data.revokedSessions(),
                tokens,
                clock,
                config.tokens(),
                token -> switch (token.subjectKind()) {
                    case "admin" -> control.platformAdmins().resolve(token.subjectId());
                    case "user" -> members.resolve(token);
                    default -> Optional.empty();
                });
        TenantGate gate = new TenantGate(data.placements());
        ActiveOrganizations organizations = new ActiveOrganizations(control.tenants());
        Documents documents = new Documents(
                gate,
                templates,
                data.connections(),
                new DocumentStore(clock),
                data.users(),
                new IdempotencyStore(clock));
        SignInThrottle signIns = new SignInThrottle(config.login(), clock);
        Users users = new Users(
                organizations,
                data.connections(),
                data.users(),
                control.directory(),
                data.relay(),
                sessions,
                access,
                control.hasher(),
                clock,
                options.userCommitObserver(),
                activity,
                control.audit());
        return new Services(
                tokens,
                signIns,
                sessions,
                gate,
                new OrganizationOrigins(data.placements()),
                access,
                new MemberLogin(
                        control.tenants(),
                        data.connections(),
                        data.users(),
                        control.directory(),
                        control.hasher(),
                        clock,
                        config.login(),
                        signIns,
                        activity),
                users,
                new PasswordChanges(
                        organizations,
                        control.tenants(),
                        data.connections(),
                        data.users(),
                        control.directory(),
                        new PasswordResetStore(control.jdbc()),
                        users,
                        control.hasher(),
                        signIns,
                        sessions,
                        mailer,
                        activity,
                        clock),
                new Invitations(
                        organizations,
                        data.connections(),
                        data.users(),
                        new InvitationStore(control.jdbc()),
                        users,
                        control.hasher(),
                        mailer,
                        clock),
                new Members(gate, data.connections(), data.users(), access, templates),
                new Signups(
                        control.signups(),
                        operations.organizations(),
                        mailer,
                        control.hasher(),
                        clock,
                        config.signup(),
                        signupServices(config.signup(), templates),
                        templates),
                documents,
                new DocumentFiles(
                        documents,
                        gate,
                        organizations,
                        templates,
                        data.connections(),
                        new FileStore(),
                        activity,
                        clock,
                        new DocumentFiles.Settings(
                                control.secrets().derivedKey("file-urls"),
                                config.files().urlTtl(),
                                config.files().urlMaxTtl(),
                                // an upload holds a connection while its client sends: half the pool at most
                                Math.max(1, config.pools().maxPerDatabase() / 2))),
                new Activity(gate, users, templates, data.connections(), activity),
                new AdminAccounts(
                        control.platformAdmins(),
                        control.platformAdminStore(),
                        sessions,
                        control.hasher(),
                        control.audit()));
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
