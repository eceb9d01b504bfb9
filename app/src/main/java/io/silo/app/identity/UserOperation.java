package io.silo.app.identity;

import io.silo.error.SiloException;
import io.silo.identity.User;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One change of a bulk request on an organization's users ({@link Users#bulk}): a user to create,
 * a patch of one, or a deletion. Immutable, so thread-safe.
 */
public sealed interface UserOperation {

    /** {@code create}, {@code update} or {@code delete}, as the request names it. */
    String op();

    /** Creates a user, as {@code POST /api/users}. */
    record Create(NewMember member) implements UserOperation {
        public Create {
            Objects.requireNonNull(member, "member");
        }

        @Override
        public String op() {
            return "create";
        }
    }

    /** Applies a patch, as {@code PATCH /api/users/{id}}. */
    record Update(UUID id, JsonNode changes) implements UserOperation {
        public Update {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(changes, "changes");
        }

        @Override
        public String op() {
            return "update";
        }
    }

    /** Deletes a user, as {@code DELETE /api/users/{id}}. */
    record Delete(UUID id) implements UserOperation {
        public Delete {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public String op() {
            return "delete";
        }
    }

    /**
     * What became of one operation: the user as created or changed (a deletion has none), or the
     * problem that refused it.
     */
    record Outcome(int index, UserOperation operation, Optional<User> user, Optional<SiloException> problem) {
        public boolean succeeded() {
            return problem.isEmpty();
        }
    }
}
