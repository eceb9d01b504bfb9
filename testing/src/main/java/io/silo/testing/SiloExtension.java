package io.silo.testing;

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
        int clusters = context.getRequiredTestClass().getAnnotation(SiloTest.class) instanceof SiloTest test
                ? test.clusters()
                : 1;
        context.getStore(NAMESPACE).put(TestSilo.class, TestSilo.start(clusters, Map.of()));
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
