/**
 * Where each tenant's databases live: {@link io.silo.postgres.placement.Placement}s read from the
 * control database and cached ({@link io.silo.postgres.placement.PlacementCache}), kept coherent
 * across Silo instances by PostgreSQL {@code LISTEN/NOTIFY}
 * ({@link io.silo.postgres.placement.PlacementListener}).
 */
package io.silo.postgres.placement;
