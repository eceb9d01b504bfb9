/**
 * Backups and restores of whole organizations ({@code silo backup}, {@code silo restore}): one
 * encrypted, compressed, portable archive of every database of an organization, and an
 * organization recreated from one (or an independent copy under a new slug), verified before it
 * is activated. The archive's format lives in {@code io.silo.postgres.backup}; the encryption in
 * {@code io.silo.crypto.ArchiveCipher}.
 */
package io.silo.app.backup;
