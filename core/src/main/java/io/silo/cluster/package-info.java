/** Clusters: the PostgreSQL servers that host tenant databases. */
package io.silo.cluster;
