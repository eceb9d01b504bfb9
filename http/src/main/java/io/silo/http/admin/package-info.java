/** Platform administrators' routes: the master audit log and the pools. */
package io.silo.http.admin;
