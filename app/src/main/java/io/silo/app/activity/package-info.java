/** The activity log of an organization, merged across its databases, for its administrators. */
package io.silo.app.activity;
