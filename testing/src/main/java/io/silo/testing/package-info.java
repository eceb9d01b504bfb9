/**
 * JUnit 5 support for testing against Silo: one embedded PostgreSQL per test JVM
 * ({@link io.silo.testing.TestPostgres}), a fresh Silo per test class
 * ({@link io.silo.testing.SiloTest}), and an HTTP client ({@link io.silo.testing.SiloClient}).
 */
package io.silo.testing;
