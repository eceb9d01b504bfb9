/** Self-service sign-up: a pending organization, a verification mail, then provisioning. */
package io.silo.app.signup;
