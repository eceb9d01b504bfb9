package io.silo.cli;

import io.silo.app.Application;
import io.silo.json.Json;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code silo control …}: what an operator does to the control plane itself. {@code reseal} is the
 * middle step of rotating the master key: run with the new key as {@code SILO_MASTER_KEY} and the
 * old one as {@code SILO_MASTER_PREVIOUS_KEY}, it seals every stored secret again under the new key.
 */
@Command(
        name = "control",
        mixinStandardHelpOptions = true,
        description = "Operate on the control plane itself.",
        subcommands = {ControlCommand.Reseal.class})
final class ControlCommand {

    @Command(
            name = "reseal",
            mixinStandardHelpOptions = true,
            description = "Seal every stored secret again under the current master key (after SILO_MASTER_KEY "
                    + "changed; the old key given as SILO_MASTER_PREVIOUS_KEY). Safe to run again.")
    static final class Reseal extends OperatorCommand {
        @Override
        int run(Application app, PrintWriter out) {
            Map<String, Integer> resealed = app.masterKeyRotation().reseal(actor());
            if (json) {
                out.println(Json.write(Map.of("resealed", resealed)));
            } else {
                resealed.forEach((table, count) -> out.printf("%-16s %d re-sealed%n", table, count));
                out.println("every stored secret is sealed under the current master key; the previous key "
                        + "may now be removed from every instance");
            }
            return 0;
        }
    }
}
