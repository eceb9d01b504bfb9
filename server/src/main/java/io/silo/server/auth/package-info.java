/**
 * Authentication: access tokens (ES256 JWT, rotating keys, JWKS), refresh-token sessions with
 * reuse detection, and the reading of bearer tokens into principals.
 */
package io.silo.server.auth;
