/** The shared JSON mapper. */
package io.silo.json;
