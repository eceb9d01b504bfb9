package io.silo.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Creates the database of a {@link PostgresTest} class before it runs and drops it afterwards. */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PostgresExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        TestPostgres server = TestPostgres.primary();
        String prefix = context.getRequiredTestClass()
                .getSimpleName()
                .toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9]", "");
        context.getStore(NAMESPACE).put(TestDatabase.class, new TestDatabase(server, server.createDatabase(prefix)));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestDatabase database = context.getStore(NAMESPACE).remove(TestDatabase.class, TestDatabase.class);
        if (database != null) {
            database.server().admin().useHandle(handle -> {
                handle.execute("DROP DATABASE IF EXISTS \"" + database.name() + "\" WITH (FORCE)");
            });
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        for (ExtensionContext current = context;
                current != null;
                current = current.getParent().orElse(null)) {
            TestDatabase database = current.getStore(NAMESPACE).get(TestDatabase.class, TestDatabase.class);
            if (database != null) {
                return database;
            }
        }
        throw new IllegalStateException(
                "no database for " + context.getDisplayName() + "; annotate the class with @PostgresTest");
    }
}
