/**
 * The demo ({@code silo serve --demo}): the seeds' organizations with plausible data, each read from a
 * YAML file of its own under {@code io/silo/app/demo/} and loaded through the same application
 * services the HTTP API uses. A demo organization is recognised by its slug; see {@code docs/demo.md}.
 */
package io.silo.app.demo;
