/** The {@code silo} command line (picocli): serve, and the operations on tenants. */
package io.silo.cli;
