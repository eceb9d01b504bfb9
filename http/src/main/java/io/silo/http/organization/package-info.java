/** The organization routes for platform administrators, and job progress. */
package io.silo.http.organization;
