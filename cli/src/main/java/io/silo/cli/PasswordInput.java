package io.silo.cli;

import io.silo.error.ProblemType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A password a command needs, never from its arguments (they show in {@code ps} and shell history): a
 * file, else an environment variable, else the terminal without echo, else one line of standard input.
 */
final class PasswordInput {
    private PasswordInput() {}

    static String read(Optional<Path> file, String environmentVariable, String prompt) {
        try {
            if (file.isPresent()) {
                return Files.readString(file.get()).strip();
            }
            String fromEnv = System.getenv(environmentVariable);
            if (fromEnv != null && !fromEnv.isBlank()) {
                return fromEnv;
            }
            if (System.console() != null) {
                char[] typed = System.console().readPassword(prompt);
                return typed == null ? "" : new String(typed);
            }
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line.strip();
        } catch (IOException e) {
            throw ProblemType.PASSWORD_UNREADABLE.exception("cannot read the password: " + e.getMessage());
        }
    }
}
