/**
 * The load generator: closed- and open-loop drivers over many clients on virtual threads, a
 * minimal HTTP/1.1 client with one keep-alive socket per client (cheaper than
 * {@code java.net.http}, which matters when the generator shares two cores with the server), the
 * Zipf choice of tenants, and latency histograms.
 */
package io.silo.bench.load;
