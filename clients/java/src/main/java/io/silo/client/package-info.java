/**
 * A client of Silo's HTTP API for Java applications: {@link io.silo.client.SiloApi} signs in and keeps
 * the session fresh, {@link io.silo.client.Collection} reads and writes documents with typed
 * {@link io.silo.client.Filter}s and {@link io.silo.client.Update}s, {@link io.silo.client.Batch}
 * writes several in one transaction, {@link io.silo.client.DocumentFiles} stores files, {@link
 * io.silo.client.Users} manages an organization's users, and every refusal is a {@link
 * io.silo.client.SiloProblemException}. Built on the JDK's {@code HttpClient} and Jackson only.
 */
package io.silo.client;
