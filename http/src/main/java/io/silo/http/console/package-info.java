/** The admin console: static pages for platform administrators, served at {@code /admin/}. */
package io.silo.http.console;
