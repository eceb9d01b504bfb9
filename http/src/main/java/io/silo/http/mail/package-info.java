/** The local mailbox, read by platform administrators. */
package io.silo.http.mail;
