package io.silo.postgres.cluster;

import io.silo.postgres.schema.SchemaApplier;
import io.silo.template.ServiceTemplate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names of template databases: one per (service, version, content), so that a changed template
 * never reuses a stale copy. The content is the template's checksum and the baseline every tenant
 * database gets ({@link SchemaApplier#baselineDigest}): a Silo that adds a table to every tenant
 * database builds new template databases rather than copy ones made without it. They start with
 * {@code silo_}, a prefix tenant names may not use.
 */
public final class TemplateNames {
    public static final String PREFIX = "silo_tpl_";

    private TemplateNames() {}

    public static String of(ServiceTemplate template) {
        return PREFIX + template.service() + "_v" + template.version() + "_"
                + content(template).substring(0, 8);
    }

    private static String content(ServiceTemplate template) {
        try {
            byte[] both =
                    (template.checksum() + "\n" + SchemaApplier.baselineDigest()).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(both));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
