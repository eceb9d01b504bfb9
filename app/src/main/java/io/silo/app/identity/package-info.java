/**
 * The people of organizations: member sign-in (organization and email, email alone, organization
 * and username) and the users of an organization. Users live in each organization's core database;
 * the control plane's directory only indexes their sign-in names.
 */
package io.silo.app.identity;
