/**
 * Whether a request may reach an organization at all: its status and its databases; and which
 * browser origins the organizations list as their own front ends.
 */
package io.silo.app.admission;
