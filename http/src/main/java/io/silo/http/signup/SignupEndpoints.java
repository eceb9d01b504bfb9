package io.silo.http.signup;

import io.silo.app.input.Fields;
import io.silo.app.signup.SignUp;
import io.silo.app.signup.Signups;
import io.silo.http.identity.UserJson;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.tenant.TenantStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/signup} and {@code POST /api/signup/verify}, open to anyone.
 *
 * <p>Thread-safe.
 */
public final class SignupEndpoints implements Endpoints {
    private final Signups signups;

    public SignupEndpoints(Signups signups) {
        this.signups = signups;
    }

    /** {@code POST /api/signup}: the organization asked for and its first administrator; any field may be missing. */
    record SignupBody(OrganizationBody organization, AdminBody admin) {
        SignUp command() {
            return new SignUp(
                    Optional.ofNullable(organization).map(OrganizationBody::command),
                    Optional.ofNullable(admin).map(AdminBody::command));
        }
    }

    record OrganizationBody(String name, String slug, String businessType, List<String> services) {
        SignUp.Organization command() {
            return new SignUp.Organization(
                    name == null ? "" : name,
                    Optional.ofNullable(slug),
                    Optional.ofNullable(businessType),
                    services == null ? List.of() : services);
        }
    }

    record AdminBody(String email, String username, String name, String password) {
        SignUp.Admin command() {
            return new SignUp.Admin(
                    email == null ? "" : email,
                    Optional.ofNullable(username).filter(text -> !text.isBlank()),
                    name == null ? "" : name,
                    password == null ? "" : password);
        }

        @Override
        public String toString() {
            return "AdminBody[" + email + "]";
        }
    }

    record VerifyRequest(String token) {
        @Override
        public String toString() {
            return "VerifyRequest[…]";
        }
    }

    @Override
    public void register(Routes routes) {
        routes.post(
                "/api/signup",
                exchange -> exchange.status(202)
                        .json(pending(signups.start(
                                Bodies.read(exchange, SignupBody.class).command(), exchange.ip()))));
        routes.post("/api/signup/verify", this::verify);
    }

    private void verify(Exchange exchange) {
        String token =
                Fields.required(Bodies.read(exchange, VerifyRequest.class).token(), "token");
        Signups.Verified verified = signups.verify(token, Actors.anonymous(exchange, ""));
        Map<String, Object> organization = new LinkedHashMap<>(UserJson.organization(verified.tenant()));
        organization.put("status", verified.tenant().status().value());
        organization.put("services", verified.services());
        exchange.status(verified.tenant().status() == TenantStatus.ACTIVE ? 201 : 202)
                .json(Map.of("organization", organization));
    }

    private static Map<String, Object> pending(Signups.Pending pending) {
        return Map.of(
                "status",
                "pending",
                "email",
                pending.email(),
                "expiresAt",
                pending.expiresAt().toString());
    }
}
