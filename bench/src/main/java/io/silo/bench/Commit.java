package io.silo.bench;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The git commit of the code under test, as the report names it. */
final class Commit {
    private Commit() {}

    /** The short hash of HEAD, with {@code +dirty} when tracked files changed; {@code unknown} outside a git work tree. */
    static String describe() {
        String head = git(List.of("git", "rev-parse", "--short=10", "HEAD"));
        if (head.isEmpty()) {
            return "unknown";
        }
        return git(List.of("git", "status", "--porcelain", "--untracked-files=no"))
                        .isEmpty()
                ? head
                : head + "+dirty";
    }

    private static String git(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).trim();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? output : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
