/**
 * The query model of collections, with no JDBC in it: the filter language parsed from JSON into a
 * small {@link io.silo.postgres.collection.query.Filter} tree, sort keys, field selections, and
 * the {@link io.silo.postgres.collection.query.DocumentQuery} and
 * {@link io.silo.postgres.collection.query.GroupQuery} built from HTTP parameters. Everything
 * here is validated at parse time; a malformed input is a 400 with a stable problem type that
 * names the offending part. The language is described in {@code docs/query-language.md}.
 */
package io.silo.postgres.collection.query;
