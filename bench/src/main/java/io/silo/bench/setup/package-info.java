/**
 * The tenants of a run, made the way operators and users make them, over Silo's HTTP API:
 * organizations provisioned one by one (timed, next to raw {@code CREATE DATABASE … TEMPLATE} on
 * the same cluster and the cost of hashing a password), their users signed in, their documents
 * written in batches; and the migration of every tenant database to a template version with one
 * more index.
 */
package io.silo.bench.setup;
