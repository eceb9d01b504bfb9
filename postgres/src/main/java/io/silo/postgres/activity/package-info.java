/** The activity log every tenant database keeps ({@code silo_activity}): what its people did, appended in the same transaction. */
package io.silo.postgres.activity;
