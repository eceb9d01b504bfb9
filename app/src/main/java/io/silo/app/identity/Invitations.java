package io.silo.app.identity;

import io.silo.app.admission.ActiveOrganizations;
import io.silo.app.input.Fields;
import io.silo.app.mail.MailMessage;
import io.silo.app.mail.Mailer;
import io.silo.app.session.Principal;
import io.silo.app.throttle.Throttle;
import io.silo.audit.AuditEntry;
import io.silo.crypto.Ids;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.PasswordPolicy;
import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.identity.User;
import io.silo.json.Json;
import io.silo.postgres.control.InvitationStore;
import io.silo.postgres.control.InvitationStore.Invitation;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.ServiceTemplate;
import io.silo.tenant.Admission;
import io.silo.tenant.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Invitations by mail: an organization's administrator invites an email with a role per service;
 * the mail carries a token; whoever holds it sets a password (under the organization's policy) and
 * becomes the user, within the {@code maxUsers} quota. An invitation is valid {@link #TTL}, used
 * once, revocable by any administrator of the organization until then, and a new invitation of the
 * same email replaces a pending one. The token is random (32 bytes) and kept only as its SHA-256
 * in the control database, where acceptance, which comes with the token alone, finds it.
 *
 * <p>Thread-safe.
 */
public final class Invitations {
    /** How long an invitation stays valid. */
    public static final Duration TTL = Duration.ofDays(7);

    private static final Logger log = LoggerFactory.getLogger(Invitations.class);
    private static final int MAX_LISTED = 500;

    private final ActiveOrganizations gate;
    private final TenantConnections cores;
    private final UserStore store;
    private final InvitationStore invitations;
    private final Users users;
    private final PasswordHasher hasher;
    private final Mailer mailer;
    private final Clock clock;

    public Invitations(
            ActiveOrganizations gate,
            TenantConnections cores,
            UserStore store,
            InvitationStore invitations,
            Users users,
            PasswordHasher hasher,
            Mailer mailer,
            Clock clock) {
        this.gate = gate;
        this.cores = cores;
        this.store = store;
        this.invitations = invitations;
        this.users = users;
        this.hasher = hasher;
        this.mailer = mailer;
        this.clock = clock;
    }

    /**
     * Invites {@code email} to the administrator's organization with the roles {@code services}
     * asks for (as for {@code POST /api/users}); 409 {@code email-taken} when a user has it already.
     */
    public Invitation invite(Principal.Member admin, String emailText, JsonNode services) {
        Tenant tenant = gate.active(admin.tenantId(), Admission.Route.WRITE);
        users.requireCurrentAdmin(admin);
        String email = Fields.email(emailText, "email");
        Map<String, String> roles = users.assignableRoles(tenant, services);
        boolean taken = cores.inTransaction(
                        tenant.id(), ServiceTemplate.CORE, core -> store.credentials(core, "email", email))
                .isPresent();
        if (taken) {
            throw ProblemType.EMAIL_TAKEN
                    .exception("a user of this organization has this email already")
                    .with("field", "email");
        }
        String token = Secrets.token(32);
        Instant now = clock.instant();
        Invitation invitation = new Invitation(Ids.next(), tenant.id(), email, roles, admin.id(), now.plus(TTL), now);
        invitations.insert(invitation, Secrets.sha256(token), now);
        mailer.send(mail(tenant, invitation, token));
        log.info("invitation {} to organization {} sent", invitation.id(), tenant.slug());
        return invitation;
    }

    /** The administrator's organization's pending invitations, newest first. */
    public List<Invitation> pending(Principal.Member admin) {
        Tenant tenant = gate.active(admin.tenantId());
        users.requireCurrentAdmin(admin);
        return invitations.pending(tenant.id(), clock.instant(), MAX_LISTED);
    }

    /** Revokes a pending invitation of the administrator's organization; 404 for any other id. */
    public void revoke(Principal.Member admin, UUID id) {
        Tenant tenant = gate.active(admin.tenantId(), Admission.Route.WRITE);
        users.requireCurrentAdmin(admin);
        if (!invitations.revoke(tenant.id(), id, clock.instant())) {
            throw ProblemType.INVITATION_NOT_FOUND.exception("no pending invitation " + id + " in your organization");
        }
    }

    /**
     * Accepts an invitation: the password is checked against the organization's policy (a refusal
     * leaves the invitation usable), the invitation is claimed, and the user is made with the email
     * and roles it names; if the quota or a taken email refuses the user, the claim is given back.
     */
    public User accept(
            String tokenText,
            String password,
            String nameText,
            Optional<String> usernameText,
            AuditEntry.Actor client) {
        String token = Fields.text(tokenText, "token", 200);
        String name = Fields.text(nameText, "name", 200);
        Optional<String> username =
                usernameText.filter(text -> !text.isBlank()).map(text -> Fields.username(text, "username"));
        Invitation invitation =
                invitations.findPending(Secrets.sha256(token), clock.instant()).orElseThrow(Invitations::invalidToken);
        Tenant tenant = gate.active(invitation.tenantId(), Admission.Route.WRITE);
        PasswordPolicy rules = users.policy(tenant);
        rules.check(password);
        String hash = hasher.hash(
                password,
                rules,
                new PasswordHasher.Claimant(tenant.id().toString(), Throttle.addressKey(client.clientAddress())));
        UUID userId = Ids.next();
        if (!invitations.claim(invitation.id(), userId, clock.instant())) {
            throw invalidToken();
        }
        try {
            return users.createInvited(
                    tenant,
                    new UserStore.NewUser(
                            userId,
                            Optional.of(invitation.email()),
                            username,
                            name,
                            hash,
                            invitation.roles(),
                            Json.object()),
                    client);
        } catch (RuntimeException e) {
            invitations.unclaim(invitation.id(), userId);
            throw e;
        }
    }

    /** The mail: nothing in it but the organization's name (checked when it was set) is anyone's text. */
    private MailMessage mail(Tenant tenant, Invitation invitation, String token) {
        String text = """
                Hello,

                an administrator of "%s" invites you to join it on Silo.
                To accept, choose a password and send it with the token below to POST /api/invitations/accept
                as {"token": "...", "name": "your name", "password": "..."}.

                Token: %s

                It expires at %s and works once. If you do not know this organization, ignore this message.
                """.formatted(tenant.name(), token, invitation.expiresAt());
        return new MailMessage(invitation.email(), "You are invited to " + tenant.name(), text);
    }

    private static SiloException invalidToken() {
        return ProblemType.INVALID_INVITATION_TOKEN.exception(
                "this invitation is unknown, accepted, revoked or expired; ask for a new one");
    }
}
