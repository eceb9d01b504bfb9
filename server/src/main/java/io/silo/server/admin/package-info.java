/** Platform administration: the operators of Silo, their sign-in, and their routes. */
package io.silo.server.admin;
