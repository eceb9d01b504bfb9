/**
 * Service templates: what a service's database holds (collections with JSON Schema, indexes and
 * unique keys), who may do what (roles), how its databases are named, and its versioned
 * migrations. {@link io.silo.template.TemplateLoader} reads and checks one YAML file;
 * {@link io.silo.template.TemplateCatalog} holds the shipped ones ({@code services/} in the core
 * jar) and those of {@code services.dir}. The format is {@code docs/templates.md}.
 */
package io.silo.template;
