package io.silo.postgres.cluster;

import io.silo.postgres.schema.SchemaApplier;
import io.silo.template.ServiceTemplate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names of template databases: one per (service, version, content), so that a changed template
 * never reuses a stale copy. The content is the template's and the baseline's every tenant database
 * gets ({@link SchemaApplier#baselineChecksum()}): a new Silo whose baseline grew a table builds
 * new template databases instead of copying the old ones. They start with {@code silo_}, a prefix
 * tenant names may not use.
 */
public final class TemplateNames {
    public static final String PREFIX = "silo_tpl_";

    private TemplateNames() {}

    public static String of(ServiceTemplate template) {
        return PREFIX + template.service() + "_v" + template.version() + "_"
                + sha256(template.checksum() + " " + SchemaApplier.baselineChecksum())
                        .substring(0, 8);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
