/** The master audit log's entries: every platform-administrator action and every system change. */
package io.silo.audit;
