/** Whether a request may reach an organization at all: its status and its databases. */
package io.silo.app.admission;
