/** Member sign-in, who-am-I, refresh and sign-out routes, and the user routes for organization administrators. */
package io.silo.http.identity;
