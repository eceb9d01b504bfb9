/**
 * Service templates: what a service's database holds (collections with JSON Schema, indexes and
 * unique keys), who may do what (roles), how its databases are named, and its versioned
 * migrations. Loaded from YAML in {@code services/}.
 */
package io.silo.template;
