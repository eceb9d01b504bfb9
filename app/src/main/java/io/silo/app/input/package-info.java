/** Checks of the fields every client sends, with errors that name the field. */
package io.silo.app.input;
