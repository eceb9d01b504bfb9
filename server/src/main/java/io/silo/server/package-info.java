/** A Silo instance: {@link io.silo.server.Silo} wires every part by hand and closes them in order. */
package io.silo.server;
