package io.silo.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link TestSilo} per test class (see {@link SiloTest}) and hands it, or a
 * {@link SiloClient} for it, to constructors and test methods.
 */
public final class SiloExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SiloExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        SiloTest test = testClass.getAnnotation(SiloTest.class);
        int clusters = test == null ? 1 : test.clusters();
        Map<String, String> overrides = new java.util.HashMap<>();
        if (test != null && !test.servicesDir().isEmpty()) {
            overrides.put(
                    "SILO_SERVICES_DIR",
                    directory(testClass, test.servicesDir()).toString());
        }
        if (test != null) {
            for (String setting : test.env()) {
                int equals = setting.indexOf('=');
                if (equals < 1) {
                    throw new IllegalArgumentException("@SiloTest env wants NAME=value, got '" + setting + "'");
                }
                overrides.put(setting.substring(0, equals), setting.substring(equals + 1));
            }
        }
        context.getStore(NAMESPACE).put(TestSilo.class, TestSilo.start(clusters, Map.copyOf(overrides)));
    }

    /** A directory of the test class path, as a path on disk. */
    private static Path directory(Class<?> testClass, String name) {
        URL found = testClass.getClassLoader().getResource(name);
        if (found == null) {
            throw new IllegalStateException("no directory '" + name + "' on the class path of " + testClass.getName());
        }
        try {
            return Path.of(found.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot read " + found + " as a directory", e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestSilo silo = context.getStore(NAMESPACE).remove(TestSilo.class, TestSilo.class);
        if (silo != null) {
            silo.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestSilo.class || type == SiloClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestSilo silo = silo(context);
        return parameter.getParameter().getType() == TestSilo.class ? silo : silo.client();
    }

    private static TestSilo silo(ExtensionContext context) {
        for (ExtensionContext current = context;
                current != null;
                current = current.getParent().orElse(null)) {
            TestSilo silo = current.getStore(NAMESPACE).get(TestSilo.class, TestSilo.class);
            if (silo != null) {
                return silo;
            }
        }
        throw new IllegalStateException(
                "no Silo for " + context.getDisplayName() + "; annotate the class with @SiloTest");
    }
}
