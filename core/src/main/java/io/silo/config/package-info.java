/**
 * Configuration: one YAML file plus environment overrides ({@link io.silo.config.ConfigSource}),
 * validated into immutable records ({@link io.silo.config.SiloConfig}).
 */
package io.silo.config;
