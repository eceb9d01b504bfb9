/** Liveness and readiness: the control database, every cluster, and a member's own databases. */
package io.silo.http.health;
