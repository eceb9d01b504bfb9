/** Reading bearer tokens into principals, and the platform administrators' sign-in, refresh and sign-out routes. */
package io.silo.http.auth;
