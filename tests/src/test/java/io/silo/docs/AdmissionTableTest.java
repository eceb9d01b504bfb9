package io.silo.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.error.SiloException;
import io.silo.http.server.Problems;
import io.silo.tenant.Admission;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.TenantStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The admission table of {@code docs/security.md} is the rule itself: every organization status
 * (and a deleted organization) × every database state (and a service not used) × every route family
 * is asked of {@link Admission}, and the table must say exactly what it answers. Rows whose
 * organization refuses first show "any" database; the not-ready states share one row.
 */
class AdmissionTableTest {
    private static final List<Admission.Route> ROUTES = List.of(Admission.Route.values());

    @Test
    void theTableInTheSecurityPageIsWhatTheRuleAnswers() throws IOException {
        List<String> documented = Files.readAllLines(Path.of("../docs/security.md")).stream()
                .filter(line -> line.startsWith("| organization "))
                .toList();

        assertThat(documented)
                .as("docs/security.md's admission rows; the rule makes:%n%s", String.join("\n", table()))
                .containsExactlyElementsOf(table());
    }

    /** Every combination, folded into rows where the answers do not depend on the database. */
    private static List<String> table() {
        List<String> rows = new ArrayList<>();
        List<Optional<TenantStatus>> statuses = new ArrayList<>();
        statuses.add(Optional.empty());
        Arrays.stream(TenantStatus.values()).map(Optional::of).forEach(statuses::add);
        List<Optional<DatabaseState>> databases = new ArrayList<>();
        databases.add(Optional.empty());
        Arrays.stream(DatabaseState.values()).map(Optional::of).forEach(databases::add);
        for (Optional<TenantStatus> status : statuses) {
            Set<String> byDatabase = new TreeSet<>();
            for (Optional<DatabaseState> database : databases) {
                byDatabase.add(cells(status, database));
            }
            if (byDatabase.size() == 1) {
                rows.add(row(status, "any", byDatabase.iterator().next()));
                continue;
            }
            List<String> notReady = new ArrayList<>();
            String notReadyCells = null;
            for (Optional<DatabaseState> database : databases) {
                String cells = cells(status, database);
                // a detached database (its service removed, restorable) has a row of its own
                boolean ready = database.filter(state -> state == DatabaseState.READY
                                || state == DatabaseState.WRITE_FENCED
                                || state == DatabaseState.DETACHED)
                        .isPresent();
                if (database.isEmpty()) {
                    rows.add(row(status, "service not used", cells));
                } else if (ready) {
                    rows.add(row(status, database.get().value(), cells));
                } else {
                    assertThat(notReadyCells == null || notReadyCells.equals(cells))
                            .as("the not-ready states answer alike")
                            .isTrue();
                    notReadyCells = cells;
                    notReady.add(database.get().value());
                }
            }
            rows.add(row(status, String.join(", ", notReady), notReadyCells));
        }
        return rows;
    }

    private static String row(Optional<TenantStatus> status, String database, String cells) {
        return "| organization " + status.map(TenantStatus::value).orElse("deleted") + " | " + database + " | " + cells
                + " |";
    }

    private static String cells(Optional<TenantStatus> status, Optional<DatabaseState> database) {
        return ROUTES.stream()
                .map(route -> Admission.refusal(status, database, "acme", "billing", route)
                        .map(AdmissionTableTest::answer)
                        .orElse("admitted"))
                .collect(Collectors.joining(" | "));
    }

    private static String answer(SiloException refusal) {
        return Problems.status(refusal.kind()) + " `" + refusal.type() + "`"
                + refusal.retryAfter().map(delay -> ", Retry-After").orElse("");
    }
}
