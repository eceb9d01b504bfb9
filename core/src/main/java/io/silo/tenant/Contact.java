package io.silo.tenant;

import java.util.Optional;

/** A person to reach about a tenant: its administrator or its billing contact. */
public record Contact(String email, Optional<String> name, Optional<String> phone) {}
