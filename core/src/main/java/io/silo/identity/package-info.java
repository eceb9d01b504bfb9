/** Identity: users of organizations and the directory that maps sign-in names to them. */
package io.silo.identity;
