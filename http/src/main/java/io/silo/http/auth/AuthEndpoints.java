package io.silo.http.auth;

import io.silo.app.admin.PlatformAdmins;
import io.silo.app.admin.SecondFactors;
import io.silo.app.input.Fields;
import io.silo.app.session.Principal;
import io.silo.app.session.Sessions;
import io.silo.app.session.TokenService;
import io.silo.app.throttle.SignInThrottle;
import io.silo.audit.AuditEntry;
import io.silo.crypto.PasswordHasher;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.postgres.control.AuditLog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sign-in routes shared by every kind of caller: platform-administrator login, refresh, logout,
 * who-am-I, and the public keys.
 *
 * <p>Thread-safe.
 */
public final class AuthEndpoints implements Endpoints {
    private final PlatformAdmins admins;
    private final Sessions sessions;
    private final TokenService tokens;
    private final Authenticator authenticator;
    private final AuditLog audit;

    /**
     * Platform administrators hold the keys to every tenant: their sign-in is throttled per client
     * address and per email like members', with the same {@code login.*} settings.
     */
    private final SignInThrottle throttle;

    public AuthEndpoints(
            PlatformAdmins admins,
            Sessions sessions,
            TokenService tokens,
            Authenticator authenticator,
            AuditLog audit,
            SignInThrottle throttle) {
        this.admins = admins;
        this.sessions = sessions;
        this.tokens = tokens;
        this.authenticator = authenticator;
        this.audit = audit;
        this.throttle = throttle;
    }

    /**
     * A platform administrator's sign-in. {@code totp} (the authenticator app's 6 digits) or
     * {@code recoveryCode} is the second factor of an administrator who enrolled one.
     */
    record AdminLogin(String email, String password, String totp, String recoveryCode) {}

    record TotpConfirmation(String code) {}

    record RefreshRequest(String refreshToken) {}

    @Override
    public void register(Routes routes) {
        routes.post("/api/admin/auth/login", this::adminLogin);
        routes.post("/api/admin/auth/totp", this::beginTotp);
        routes.post("/api/admin/auth/totp/confirm", this::confirmTotp);
        routes.post("/api/auth/refresh", this::refresh);
        routes.post("/api/auth/logout", this::logout);
        routes.get("/.well-known/jwks.json", exchange -> exchange.json(tokens.jwks()));
    }

    private void adminLogin(Exchange exchange) {
        AdminLogin body = Bodies.read(exchange, AdminLogin.class);
        String email = Fields.email(body.email(), "email");
        String password = Fields.password(body.password(), "password");
        PasswordHasher.checkSignInLength(password); // before the throttle takes an event or anything is looked up
        Optional<PlatformAdmins.SecondFactor> factor = secondFactor(body);
        Principal.PlatformAdmin admin =
                throttle.attempt(exchange.ip(), attempt -> authenticate(exchange, email, password, factor, attempt));
        Sessions.Session session = sessions.start(admin);
        audit.append(new AuditEntry(
                Actors.of(exchange, admin),
                "admin.login",
                "platform_admin",
                admin.id().toString(),
                Optional.empty(),
                Map.of()));
        answer(exchange, session);
    }

    /**
     * The administrator with these credentials; a refusal is recorded in the master audit log. A
     * database that did not answer refused nobody (and the audit log lives in the control database).
     */
    private Principal.PlatformAdmin authenticate(
            Exchange exchange,
            String email,
            String password,
            Optional<PlatformAdmins.SecondFactor> factor,
            SignInThrottle.Attempt attempt) {
        try {
            return admins.authenticate(email, password, factor, attempt);
        } catch (SiloException e) {
            // only wrong guesses, which the throttle counts: a flood at a locked administrator writes nothing
            if (e.problem() != ProblemType.INVALID_CREDENTIALS) {
                throw e;
            }
            audit.append(new AuditEntry(
                    Actors.anonymous(exchange, email),
                    "admin.login.failed",
                    "platform_admin",
                    email,
                    Optional.empty(),
                    Map.of()));
            throw e;
        }
    }

    /** At most one second factor, of the length a code can have, before anything is looked up. */
    private static Optional<PlatformAdmins.SecondFactor> secondFactor(AdminLogin body) {
        if (body.totp() != null && body.recoveryCode() != null) {
            throw ProblemType.INVALID_JSON.exception("send either 'totp' or 'recoveryCode', not both");
        }
        if (body.totp() != null) {
            return Optional.of(new PlatformAdmins.SecondFactor.Code(Fields.required(body.totp(), "totp")));
        }
        if (body.recoveryCode() != null) {
            String code = Fields.required(body.recoveryCode(), "recoveryCode");
            if (code.length() > 64) {
                throw ProblemType.FIELD_TOO_LONG
                        .exception("field 'recoveryCode' is longer than a recovery code")
                        .with("field", "recoveryCode");
            }
            return Optional.of(new PlatformAdmins.SecondFactor.RecoveryCode(code));
        }
        return Optional.empty();
    }

    private void beginTotp(Exchange exchange) {
        Principal.PlatformAdmin admin = authenticator.enrollingAdmin(exchange);
        SecondFactors.Enrollment enrollment = admins.beginTotp(admin);
        exchange.json(Map.of("secret", enrollment.secret(), "uri", enrollment.uri()));
    }

    private void confirmTotp(Exchange exchange) {
        Principal.PlatformAdmin admin = authenticator.enrollingAdmin(exchange);
        TotpConfirmation body = Bodies.read(exchange, TotpConfirmation.class);
        List<String> recoveryCodes = admins.confirmTotp(admin, Fields.required(body.code(), "code"));
        audit.append(new AuditEntry(
                Actors.of(exchange, admin),
                "admin.totp.enabled",
                "platform_admin",
                admin.id().toString(),
                Optional.empty(),
                Map.of()));
        exchange.json(Map.of("recoveryCodes", recoveryCodes));
    }

    private void refresh(Exchange exchange) {
        RefreshRequest body = Bodies.read(exchange, RefreshRequest.class);
        answer(exchange, sessions.refresh(Fields.required(body.refreshToken(), "refreshToken")));
    }

    private void logout(Exchange exchange) {
        RefreshRequest body = Bodies.read(exchange, RefreshRequest.class);
        String refreshToken = Fields.required(body.refreshToken(), "refreshToken");
        // an expired access token must not keep a client from ending its session: the refresh token is the authority
        // here
        Optional<Principal> caller;
        try {
            caller = authenticator.optional(exchange);
        } catch (SiloException e) {
            caller = Optional.empty();
        }
        caller.ifPresentOrElse(
                principal -> sessions.logout(refreshToken, principal), () -> sessions.logout(refreshToken));
        exchange.status(204);
    }

    /**
     * Answers a sign-in or a refresh with its tokens, as the session's caller's answer: a browser may
     * read it only on the origins that caller's own answers may be read on (CORS).
     */
    public static void answer(Exchange exchange, Sessions.Session session) {
        exchange.principal(session.principal());
        exchange.json(tokenBody(session));
    }

    /** The JSON body of every successful sign-in or refresh. */
    public static Map<String, Object> tokenBody(Sessions.Session session) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accessToken", session.access().token());
        body.put("refreshToken", session.refreshToken());
        body.put("tokenType", "Bearer");
        body.put("expiresIn", session.access().expiresIn().toSeconds());
        return body;
    }
}
