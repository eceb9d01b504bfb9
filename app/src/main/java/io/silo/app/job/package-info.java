/** Jobs as platform administrators see them: listed, followed, cancelled. */
package io.silo.app.job;
