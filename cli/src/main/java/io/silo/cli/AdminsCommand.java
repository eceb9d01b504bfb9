package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.admin.AdminAccounts;
import io.silo.json.Json;
import io.silo.postgres.control.PlatformAdminStore.PlatformAdmin;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code silo admins …}: what an operator does to platform administrators, in-process on the control
 * database (see {@link ControlPlane}), each change audited with the operating system user as actor.
 */
@Command(
        name = "admins",
        mixinStandardHelpOptions = true,
        description = "List platform administrators; unlock, disable, enable them, reset a lost second factor,"
                + " set a password.",
        subcommands = {
            AdminsCommand.ListAdmins.class,
            AdminsCommand.Unlock.class,
            AdminsCommand.ResetTotp.class,
            AdminsCommand.Disable.class,
            AdminsCommand.Enable.class,
            AdminsCommand.Password.class
        })
final class AdminsCommand {

    /** What every subcommand shares: configuration, JSON output, the audit actor. */
    abstract static class Base extends OperatorCommand {
        @Override
        int run(Application app, PrintWriter out) {
            return run(app.adminAccounts(), out);
        }

        abstract int run(AdminAccounts admins, PrintWriter out);

        void print(PrintWriter out, PlatformAdmin admin) {
            Instant now = Instant.now();
            if (json) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", admin.id().toString());
                body.put("email", admin.email());
                body.put("status", admin.status());
                body.put("totp", admin.totpEnabled());
                body.put(
                        "lockedUntil",
                        admin.lockedUntil()
                                .filter(now::isBefore)
                                .map(Instant::toString)
                                .orElse(null));
                out.println(Json.write(body));
                return;
            }
            out.printf(
                    "%-40s %-9s %-9s %s%n",
                    admin.email(),
                    admin.status(),
                    admin.totpEnabled() ? "totp" : "no-totp",
                    admin.lockedUntil()
                            .filter(now::isBefore)
                            .map(until -> "locked until " + until)
                            .orElse(""));
        }
    }

    /** The operator running the command, for the audit log. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List platform administrators.")
    static final class ListAdmins extends Base {
        @Override
        int run(AdminAccounts admins, PrintWriter out) {
            admins.list().forEach(admin -> print(out, admin));
            return 0;
        }
    }

    @Command(
            name = "unlock",
            mixinStandardHelpOptions = true,
            description = "Lift the lockout of an administrator after failed sign-ins (it also ends on its own).")
    static final class Unlock extends Base {
        @Parameters(paramLabel = "EMAIL", description = "The administrator's email.")
        String email;

        @Override
        int run(AdminAccounts admins, PrintWriter out) {
            print(out, admins.unlock(email, actor()));
            return 0;
        }
    }

    @Command(
            name = "reset-totp",
            mixinStandardHelpOptions = true,
            description = "Remove an administrator's second factor and recovery codes (a lost device) and end"
                    + " its sessions; it signs in with its password and enrolls again.")
    static final class ResetTotp extends Base {
        @Parameters(paramLabel = "EMAIL", description = "The administrator's email.")
        String email;

        @Override
        int run(AdminAccounts admins, PrintWriter out) {
            print(out, admins.resetTotp(email, actor()));
            return 0;
        }
    }

    @Command(
            name = "disable",
            mixinStandardHelpOptions = true,
            description = "Disable an administrator: no sign-in, and its tokens stop counting at once.")
    static final class Disable extends Base {
        @Parameters(paramLabel = "EMAIL", description = "The administrator's email.")
        String email;

        @Override
        int run(AdminAccounts admins, PrintWriter out) {
            print(out, admins.disable(email, actor()));
            return 0;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled administrator.")
    static final class Enable extends Base {
        @Parameters(paramLabel = "EMAIL", description = "The administrator's email.")
        String email;

        @Override
        int run(AdminAccounts admins, PrintWriter out) {
            print(out, admins.enable(email, actor()));
            return 0;
        }
    }

    @Command(
            name = "password",
            mixinStandardHelpOptions = true,
            description = "Set an administrator's password, lift its lockout and end its sessions.")
    static final class Password extends Base {
        @Parameters(paramLabel = "EMAIL", description = "The administrator's email.")
        String email;

        @Option(
                names = "--password-file",
                description = "Read the new password from this file (default: $SILO_ADMIN_NEW_PASSWORD, else"
                        + " standard input).")
        Path passwordFile;

        @Override
        int run(AdminAccounts admins, PrintWriter out) {
            String password = PasswordInput.read(
                    Optional.ofNullable(passwordFile), "SILO_ADMIN_NEW_PASSWORD", "New password for " + email + ": ");
            print(out, admins.setPassword(email, password, actor()));
            return 0;
        }
    }
}
