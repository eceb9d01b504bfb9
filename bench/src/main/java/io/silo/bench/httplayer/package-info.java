/** The HTTP-layer comparison: the same routed read behind Javalin, Jetty 12 core and Helidon SE 4, under wrk. */
package io.silo.bench.httplayer;
