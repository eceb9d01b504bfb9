package io.silo.template;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems found in one template file, each as {@code file: path: what is wrong}. All are
 * collected before failing, so one start-up shows every mistake at once.
 */
final class Problems {
    private final String source;
    private final List<String> found = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    void add(String path, String message) {
        found.add(source + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    /** Throws {@code invalid-template} listing every problem, one per line, when there is any. */
    void throwIfAny() {
        if (!found.isEmpty()) {
            throw invalid(found);
        }
    }

    static SiloException invalid(List<String> messages) {
        return ProblemType.INVALID_TEMPLATE
                .exception(String.join("\n", messages))
                .with("errors", List.copyOf(messages));
    }
}
