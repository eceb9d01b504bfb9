package io.silo.http.server;

/**
 * A group of routes for one feature. Each feature registers its own; {@link HttpServer} puts
 * them together, so the list of features is read in one place.
 */
@FunctionalInterface
public interface Endpoints {
    void register(Routes routes);
}
