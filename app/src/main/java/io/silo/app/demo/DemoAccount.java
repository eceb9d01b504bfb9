package io.silo.app.demo;

import java.util.Map;
import java.util.Objects;

/**
 * One account of the demo, as the start-up log and the README list it.
 *
 * @param organization the organization's slug, what sign-in takes as {@code organization}
 * @param login the email or, without one, the username
 * @param password the demo's published password: short, which is why the demo listens on 127.0.0.1
 * @param roles the account's role in each service, {@code core} included
 */
public record DemoAccount(String organization, String login, String password, Map<String, String> roles) {
    public DemoAccount {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(password, "password");
        roles = Map.copyOf(roles);
    }

    @Override
    public String toString() {
        return "DemoAccount[" + organization + " " + login + "]";
    }
}
