package io.silo.config;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;

/** Invalid configuration: the message names the key, where it came from, and the bad value. */
public final class ConfigException extends SiloException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(ProblemType.INVALID_CONFIG, message, null);
    }
}
