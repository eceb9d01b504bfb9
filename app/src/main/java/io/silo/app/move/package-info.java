/**
 * Moves of organizations between clusters ({@code silo move}, {@code POST
 * /api/admin/organizations/{org}/move}): checked, started as jobs ({@link io.silo.postgres.move.MoveJob}),
 * and the old copies dropped once their grace ended; see {@code docs/operations.md}.
 */
package io.silo.app.move;
