package io.silo.postgres.cluster;

import io.silo.template.ServiceTemplate;
import java.sql.Connection;

/** Brings the database behind a connection to a template's version (see {@code SchemaApplier}). */
@FunctionalInterface
public interface SchemaInstaller {
    void install(Connection connection, ServiceTemplate template);
}
