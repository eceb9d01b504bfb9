package io.silo.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against a fresh Silo instance: its own control database on the shared
 * embedded PostgreSQL (reset before the class starts), HTTP on a free port, and a known
 * platform administrator ({@link TestSilo#ADMIN_EMAIL}). Test methods and constructors may
 * take a {@link TestSilo} or a {@link SiloClient} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SiloExtension.class)
public @interface SiloTest {
    /** How many clusters: 1 uses the primary server; 2 adds a second, independent server. */
    int clusters() default 1;

    /**
     * A directory of further service templates on the test class path (such as {@code
     * "templates/files"}), given to the instance as {@code services.dir}; empty for the shipped ones only.
     */
    String servicesDir() default "";

    /** Further configuration of the instance, as environment variables: {@code "SILO_JOBS_LEASE=1s"}. */
    String[] env() default {};
}
