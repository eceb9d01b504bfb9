/** Liveness and readiness: the control database and every cluster. */
package io.silo.server.health;
