package io.silo.postgres.cluster;

import io.silo.template.ServiceTemplate;

/**
 * Names of template databases: one per (service, version, content), so that a changed template
 * never reuses a stale copy. They start with {@code silo_}, a prefix tenant names may not use.
 */
public final class TemplateNames {
    public static final String PREFIX = "silo_tpl_";

    private TemplateNames() {}

    public static String of(ServiceTemplate template) {
        return PREFIX + template.service() + "_v" + template.version() + "_"
                + template.checksum().substring(0, 8);
    }
}
