/**
 * The application layer: every client of Silo (the HTTP API, the CLI, jobs, import, the demo) goes
 * through it, so each does exactly what the API does, through the same checks. {@link io.silo.app.Application}
 * opens the control plane, the data plane and the operations, and builds each service once. No HTTP type
 * appears here (Maven enforces it).
 */
package io.silo.app;
