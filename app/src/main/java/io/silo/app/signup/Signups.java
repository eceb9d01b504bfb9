package io.silo.app.signup;

import io.silo.app.input.Fields;
import io.silo.app.mail.MailMessage;
import io.silo.app.mail.Mailer;
import io.silo.app.organization.NewOrganization;
import io.silo.app.organization.Organizations;
import io.silo.app.throttle.Throttle;
import io.silo.audit.AuditEntry;
import io.silo.config.SiloConfig;
import io.silo.crypto.Ids;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.json.Json;
import io.silo.postgres.control.SignupStore;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.Tenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Self-service sign-up: someone asks for an organization and becomes its first administrator once
 * they prove they own the email address. The request is checked at once, recorded as pending with
 * the password already hashed and the token stored only as its digest, and a verification mail is
 * sent; presenting the token provisions the organization through the same path as a platform
 * administrator's request. Every field is checked before anything is hashed or mailed, and the mail
 * carries no requester text but the organization's name. Sign-ups are throttled per client network
 * (an IPv6 address by its /48), per email and platform-wide, so nobody can use Silo to flood
 * mailboxes.
 *
 * <p>Thread-safe.
 */
public final class Signups {
    private static final Logger log = LoggerFactory.getLogger(Signups.class);

    private final SignupStore store;
    private final Organizations organizations;
    private final Mailer mailer;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final SiloConfig.Signup settings;
    private final List<String> offered;
    private final TemplateCatalog templates;
    private final Throttle perAddress;
    private final Throttle perEmail;
    private final Throttle platformWide;

    /**
     * @param offered the services a sign-up may ask for, already checked against the templates
     */
    public Signups(
            SignupStore store,
            Organizations organizations,
            Mailer mailer,
            PasswordHasher hasher,
            Clock clock,
            SiloConfig.Signup settings,
            List<String> offered,
            TemplateCatalog templates) {
        this.templates = templates;
        this.store = store;
        this.organizations = organizations;
        this.mailer = mailer;
        this.hasher = hasher;
        this.clock = clock;
        this.settings = settings;
        this.offered = List.copyOf(offered);
        this.perAddress = Throttle.of(
                ProblemType.TOO_MANY_SIGNUPS,
                "sign-ups from this address",
                settings.maxPerAddressPerHour(),
                Duration.ofHours(1),
                clock);
        this.perEmail = Throttle.of(
                ProblemType.TOO_MANY_SIGNUPS,
                "sign-ups for this email",
                settings.maxPerEmailPerHour(),
                Duration.ofHours(1),
                clock);
        this.platformWide = Throttle.of(
                ProblemType.TOO_MANY_SIGNUPS,
                "sign-ups on this platform",
                settings.maxPerHour(),
                Duration.ofHours(1),
                clock);
    }

    /** A recorded sign-up, waiting for its token. */
    public record Pending(UUID id, String email, Instant expiresAt) {}

    /** What a verification made. */
    public record Verified(Tenant tenant, List<String> services) {}

    /** Checks the request, records it, and mails the token to the administrator's address. */
    public Pending start(SignUp request, String clientAddress) {
        if (!settings.enabled()) {
            throw ProblemType.SIGNUP_DISABLED.exception(
                    "self-service sign-up is turned off here; ask the operator for an organization");
        }
        String network = Throttle.networkKey(clientAddress);
        perAddress.acquire(network);
        if (request.organization().isEmpty()) {
            throw ProblemType.MISSING_FIELD
                    .exception("field 'organization' is required: {name, slug?, businessType?, services}")
                    .with("field", "organization");
        }
        if (request.admin().isEmpty()) {
            throw ProblemType.MISSING_FIELD
                    .exception("field 'admin' is required: {email, name, password}")
                    .with("field", "admin");
        }
        SignUp.Organization asked = request.organization().get();
        SignUp.Admin admin = request.admin().get();
        String email = Fields.email(admin.email(), "admin.email");
        perEmail.acquire(email);
        String adminName = Fields.text(admin.name(), "admin.name", 200);
        Optional<String> username = admin.username().map(text -> Fields.username(text, "admin.username"));
        checkOffered(asked.services());
        NewOrganization organization = organization(asked, email, username, adminName);
        organizations.check(organization);
        // the organization has no policy of its own yet: the deployment's applies
        hasher.policy().check(admin.password());
        // counted only once the request is valid, so that bad requests cannot close sign-up for everyone
        platformWide.acquire("signups");
        String passwordHash = hasher.hash(admin.password(), new PasswordHasher.Claimant("sign-up", network));

        String token = Secrets.token(32);
        Instant now = clock.instant();
        Pending pending = new Pending(Ids.next(), email, now.plus(settings.ttl()));
        store.insert(
                pending.id(),
                Secrets.sha256(token),
                email,
                stored(organization, email, username, adminName, passwordHash),
                pending.expiresAt(),
                now);
        try {
            mailer.send(mail(organization.name(), email, token, pending.expiresAt()));
        } catch (RuntimeException e) {
            store.delete(pending.id());
            throw e;
        }
        log.info("sign-up {} for organization '{}' pending verification by {}", pending.id(), asked.name(), email);
        return pending;
    }

    /**
     * Provisions the organization of a pending sign-up. A second verification is 410
     * {@code signup-already-verified}, a late one 410 {@code signup-expired}, an unknown token 404
     * {@code signup-not-found}. The sign-up is claimed in the transaction that records the
     * organization, so two verifications at once make one organization.
     */
    public Verified verify(String token, AuditEntry.Actor client) {
        Instant now = clock.instant();
        SignupStore.Signup signup = store.findByTokenHash(Secrets.sha256(token))
                .orElseThrow(
                        () -> ProblemType.SIGNUP_NOT_FOUND.exception("this sign-up token is unknown; sign up again"));
        if (signup.status().equals("verified")) {
            throw alreadyVerified();
        }
        if (signup.status().equals("expired") || !signup.expiresAt().isAfter(now)) {
            store.markExpired(signup.id());
            throw ProblemType.SIGNUP_EXPIRED.exception("this sign-up expired; sign up again");
        }
        JsonNode request = signup.request();
        NewOrganization create = read(request);
        AuditEntry.Actor actor = new AuditEntry.Actor(
                "signup",
                signup.id().toString(),
                signup.email(),
                client.clientAddress(),
                client.userAgent(),
                client.requestId());
        // the sign-up is claimed in the very transaction that records the organization: no connection or lock is
        // held while it is provisioned, and a second verification either loses that claim or finds it verified
        Organizations.Outcome made = organizations.createWithHashedPassword(
                create, request.path("admin").path("passwordHash").asString(), actor, (handle, tenantId) -> {
                    if (!store.markVerified(handle, signup.id(), tenantId, now)) {
                        throw alreadyVerified();
                    }
                });
        Tenant tenant = made.tenant()
                .orElseThrow(() -> ProblemType.ORGANIZATION_DELETED.exception(
                        "the organization was deleted while it was being created"));
        return new Verified(tenant, create.services());
    }

    private static SiloException alreadyVerified() {
        return ProblemType.SIGNUP_ALREADY_VERIFIED.exception("this sign-up was verified already; sign in");
    }

    private void checkOffered(List<String> services) {
        if (services == null || services.isEmpty()) {
            throw ProblemType.MISSING_FIELD
                    .exception("field 'organization.services' must name at least one service, e.g. " + "[\"billing\"]")
                    .with("field", "organization.services");
        }
        for (String service : services) {
            if (service == null || templates.find(service).isEmpty()) {
                throw ProblemType.UNKNOWN_SERVICE
                        .inBody("no service '"
                                + (service == null || service.length() <= 64
                                        ? service
                                        : service.substring(0, 64) + "...")
                                + "'")
                        .with("field", "organization.services");
            }
            if (!offered.contains(service)) {
                throw ProblemType.SERVICE_NOT_OFFERED
                        .exception("the service '" + service + "' cannot be signed up for;" + " these can: "
                                + String.join(", ", offered))
                        .with("field", "organization.services")
                        .with("services", offered);
            }
        }
    }

    /** The organization a sign-up asks for; its administrator's password is hashed already. */
    private NewOrganization organization(
            SignUp.Organization asked, String email, Optional<String> username, String adminName) {
        return NewOrganization.builder(
                        asked.name(),
                        asked.services(),
                        new NewOrganization.FirstAdmin(Optional.of(email), username, adminName, ""))
                .slug(asked.slug())
                .businessType(asked.businessType())
                .quotas(Map.of("maxUsers", settings.maxUsers()))
                .build();
    }

    /** The request as stored: the organization's fields, and its administrator with the password hash. */
    private JsonNode stored(
            NewOrganization request, String email, Optional<String> username, String adminName, String passwordHash) {
        ObjectNode root = Json.object();
        ObjectNode organization = root.putObject("organization");
        organization.put("name", request.name());
        request.slug().ifPresent(slug -> organization.put("slug", slug));
        request.businessType().ifPresent(type -> organization.put("businessType", type));
        request.services().forEach(organization.putArray("services")::add);
        organization.set("quotas", Json.tree(request.quotas()));
        // read by instances of the release before this one, during a rolling upgrade
        ObjectNode legacyAdmin = organization.putObject("admin");
        legacyAdmin.put("email", email);
        legacyAdmin.put("name", adminName);
        ObjectNode admin = root.putObject("admin");
        admin.put("email", email);
        username.ifPresent(name -> admin.put("username", name));
        admin.put("name", adminName);
        admin.put("passwordHash", passwordHash);
        return root;
    }

    /** Reads back what {@link #stored} wrote. */
    private static NewOrganization read(JsonNode stored) {
        JsonNode organization = stored.path("organization");
        JsonNode admin = stored.path("admin");
        return NewOrganization.builder(
                        organization.path("name").asString(""),
                        Json.mapper().convertValue(organization.path("services"), new TypeReference<List<String>>() {}),
                        new NewOrganization.FirstAdmin(
                                Optional.of(admin.path("email").asString()),
                                optional(admin, "username"),
                                admin.path("name").asString(""),
                                ""))
                .slug(optional(organization, "slug"))
                .businessType(optional(organization, "businessType"))
                .quotas(Json.mapper()
                        .convertValue(organization.path("quotas"), new TypeReference<Map<String, Object>>() {}))
                .build();
    }

    private static Optional<String> optional(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() ? Optional.of(value.asString()) : Optional.empty();
    }

    /**
     * The verification mail. It holds nothing the requester wrote but the organization's name
     * (checked: at most 200 characters, no line breaks): anyone can name any address, and Silo's
     * sender must not carry their text to it.
     */
    private MailMessage mail(String organization, String email, String token, Instant expiresAt) {
        String action = settings.verifyUrl()
                .map(url -> "open this link:\n\n  " + url + (url.contains("?") ? "&" : "?") + "token="
                        + URLEncoder.encode(token, StandardCharsets.UTF_8) + "\n\nor send the token below")
                .orElse("send the token below");
        String text = """
                Hello,

                someone, hopefully you, asked Silo for the organization "%s" with this address as its administrator.
                To confirm, %s to POST /api/signup/verify as {"token": "..."}.

                Token: %s

                It expires at %s. If you did not ask for this, ignore this message: nothing is created without it.
                """.formatted(organization.trim(), action, token, expiresAt);
        return new MailMessage(email, "Confirm your organization " + organization.trim(), text);
    }
}
