/**
 * {@code silo bench --move}: how long a move fences an organization's writes at 10 MB and at a
 * gigabyte, with a client writing throughout, and how fast a drain empties a cluster, between two
 * PostgreSQL servers the run starts itself.
 */
package io.silo.bench.move;
