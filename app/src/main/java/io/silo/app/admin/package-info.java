/** Platform administrators, the operators of Silo: their sign-in and their accounts. */
package io.silo.app.admin;
