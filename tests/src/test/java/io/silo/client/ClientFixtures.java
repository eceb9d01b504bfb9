package io.silo.client;

import io.silo.testing.SiloClient;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;

/**
 * The Java client signed in as the members of test organizations, for integration tests that would
 * otherwise build request bodies and parse answers by hand.
 *
 * <p>Stateless.
 */
public final class ClientFixtures {
    private ClientFixtures() {}

    /** A client of the Silo that {@code any} talks to, signed in as the organization's first administrator. */
    public static SiloApi administrator(SiloClient any, TestTenant tenant) {
        return member(any, tenant.slug(), tenant.adminEmail());
    }

    /** A client signed in as a member of the organization who has {@link TestTenants#PASSWORD}. */
    public static SiloApi member(SiloClient any, String organization, String email) {
        SiloApi api = SiloApi.connect(any.base());
        api.signIn(SignIn.member(organization, email, TestTenants.PASSWORD));
        return api;
    }
}
