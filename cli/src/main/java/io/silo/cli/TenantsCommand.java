package io.silo.cli;

import picocli.CommandLine.Command;

/** {@code silo tenants …}: the organization lifecycle from the command line. */
@Command(
        name = "tenants",
        mixinStandardHelpOptions = true,
        description =
                "Create, list, show, suspend, activate and delete organizations (tenants), rotate their role passwords; add, remove and restore their services.",
        subcommands = {
            TenantCommands.Create.class,
            TenantCommands.ListTenants.class,
            TenantCommands.Show.class,
            TenantCommands.Suspend.class,
            TenantCommands.Activate.class,
            TenantCommands.Delete.class,
            TenantCommands.RotatePassword.class,
            TenantCommands.AddService.class,
            TenantCommands.RemoveService.class,
            TenantCommands.RestoreService.class
        })
final class TenantsCommand {}
