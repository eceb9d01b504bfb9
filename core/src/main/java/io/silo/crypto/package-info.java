/**
 * Where passwords are hashed (argon2id), secrets are sealed under the master key (AES-GCM), and
 * tokens and identifiers are generated.
 */
package io.silo.crypto;
