package io.silo.app.demo;

import java.util.List;

/**
 * What one load of the demo did.
 *
 * @param created the slugs of the demo organizations this load created
 * @param resumed the slugs of the demo organizations an earlier load created and did not finish, that
 *                this load finished: their missing accounts and documents written
 * @param present the slugs of the demo organizations that were there already, left as they are
 * @param leftAlone the slugs of demo organizations taken by an organization the demo did not create,
 *                  or by an unfinished demo organization that is not active (failed, suspended): left as
 *                  they are, their demo accounts may not work
 * @param accounts every account of the demo, in the order of its files
 */
public record DemoReport(
        List<String> created,
        List<String> resumed,
        List<String> present,
        List<String> leftAlone,
        List<DemoAccount> accounts) {
    public DemoReport {
        created = List.copyOf(created);
        resumed = List.copyOf(resumed);
        present = List.copyOf(present);
        leftAlone = List.copyOf(leftAlone);
        accounts = List.copyOf(accounts);
    }

    /** The accounts as a table for the start-up log: organization, login, password, roles by service. */
    public String accountTable() {
        StringBuilder table = new StringBuilder();
        table.append(String.format("%-20s %-34s %-16s %s%n", "organization", "login", "password", "roles"));
        for (DemoAccount account : accounts) {
            StringBuilder roles = new StringBuilder();
            account.roles().entrySet().stream()
                    .sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(role -> roles.append(roles.isEmpty() ? "" : ", ")
                            .append(role.getKey())
                            .append(':')
                            .append(role.getValue()));
            table.append(String.format(
                    "%-20s %-34s %-16s %s%n", account.organization(), account.login(), account.password(), roles));
        }
        return table.toString();
    }
}
