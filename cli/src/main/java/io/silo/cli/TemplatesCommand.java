package io.silo.cli;

import io.silo.app.Application;
import io.silo.json.Json;
import io.silo.template.ServiceTemplate;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code silo templates …}: the service templates, taken in by running instances without a restart. */
@Command(
        name = "templates",
        mixinStandardHelpOptions = true,
        description = "Have running instances take new template versions in without a restart.",
        subcommands = {TemplatesCommand.Reload.class})
final class TemplatesCommand {
    private TemplatesCommand() {}

    /**
     * {@code silo templates reload}: this process loads the services folder and checks it as
     * start-up does (a broken template or an edited released step stops it with one line each),
     * then tells every running instance to read its own folder again; {@code --json} prints the
     * versions of the folder checked, in the shape of the HTTP route's {@code services}. It does not
     * check what only a restart takes (an instance's {@code TemplateCatalog.adopt} does). An instance that refuses its folder
     * keeps what it serves and says why in its log; {@code POST /api/admin/templates/reload}
     * answers the refusals of the instance asked instead.
     */
    @Command(
            name = "reload",
            mixinStandardHelpOptions = true,
            description = "Check the services folder, then tell every running instance to reload it.")
    static final class Reload extends OperatorCommand {
        @Override
        int run(Application app, PrintWriter out) {
            app.templateReload().askInstances(actor());
            List<ServiceTemplate> templates = app.templates().all();
            if (json) {
                out.println(Json.write(Map.of(
                        "services",
                        templates.stream()
                                .map(template -> Map.of("service", template.service(), "version", template.version()))
                                .toList())));
                return 0;
            }
            for (ServiceTemplate template : templates) {
                out.printf("%s  version %d%n", template.service(), template.version());
            }
            out.println("the folder above is valid, as start-up checks it; every running instance was asked to"
                    + " reload its own (one that refuses it, or what only a restart takes, keeps what it serves,"
                    + " says why in its log and shows it in silo_template_version)");
            return 0;
        }
    }
}
