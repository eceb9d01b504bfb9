/**
 * Sessions: access tokens (ES256 JWT, rotating keys, JWKS), refresh-token sessions with reuse
 * detection, and the principals tokens stand for.
 */
package io.silo.app.session;
