/** The sign-up routes. */
package io.silo.http.signup;
