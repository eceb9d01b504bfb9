package io.silo.app.identity;

import io.silo.app.session.Principal;
import io.silo.error.SiloException;
import io.silo.identity.User;
import io.silo.postgres.control.RefreshTokenStore.RefreshToken;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.ServiceTemplate;
import io.silo.tenant.Admission;
import io.silo.tenant.Tenant;
import java.util.Optional;

/**
 * Re-reads the member behind a refresh token: the organization must still be one a refresh may reach
 * ({@link Admission}) and the user must still exist and be active; the roles are the current ones.
 * Anything else ends the session; a database that cannot answer now does not.
 *
 * <p>Thread-safe.
 */
public final class MemberSubjects {
    private final TenantStore tenants;
    private final TenantConnections cores;
    private final UserStore store;

    public MemberSubjects(TenantStore tenants, TenantConnections cores, UserStore store) {
        this.tenants = tenants;
        this.cores = cores;
        this.store = store;
    }

    public Optional<Principal> resolve(RefreshToken token) {
        Optional<Tenant> tenant = token.tenantId().flatMap(tenants::find);
        Optional<SiloException> refusal = Admission.organization(
                tenant.map(Tenant::status), tenant.map(Tenant::slug).orElse(""), Admission.Route.REFRESH);
        if (refusal.isPresent()) {
            // the organization is gone, suspended or not serving: the session ends. A database that is away or
            // fenced is a 503 from the read below, which leaves the session as it is.
            return Optional.empty();
        }
        Optional<User> user = cores.inTransaction(
                        tenant.get().id(), ServiceTemplate.CORE, core -> store.find(core, token.subjectId()))
                .filter(User::active);
        return user.map(found -> new Principal.Member(
                found.id(), tenant.get().id(), tenant.get().slug(), tenant.get().businessType(), found.roles()));
    }
}
