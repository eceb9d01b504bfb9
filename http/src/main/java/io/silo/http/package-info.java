/**
 * The HTTP API: thin adapters that parse a request, call the application layer ({@code io.silo.app})
 * and render its answer. {@link io.silo.http.Silo} starts an application and serves it over HTTP. The only
 * module that knows the HTTP framework.
 */
package io.silo.http;
