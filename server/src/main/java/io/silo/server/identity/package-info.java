/**
 * The people of organizations: member sign-in (organization and email, email alone, organization
 * and username), who-am-I, the refresh of member sessions, and the user routes for organization
 * administrators. Users live in each organization's core database; the control plane's directory
 * only indexes their sign-in names.
 */
package io.silo.server.identity;
