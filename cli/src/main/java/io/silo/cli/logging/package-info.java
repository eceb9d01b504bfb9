/** How Silo's log lines are written: requester text in arguments can never forge a line. */
package io.silo.cli.logging;
