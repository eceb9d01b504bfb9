/** Outgoing mail: an SMTP relay when configured, else a local mailbox of {@code .eml} files readable by platform administrators. */
package io.silo.app.mail;
