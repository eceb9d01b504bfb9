package io.silo.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * {@code wrk} (Debian's package) against Silo's routed read, when it is installed: a C load
 * generator far cheaper per request than the bench's own, so Silo's CPU per read shows without
 * the Java client in the way. A Lua script replays requests drawn ahead of time with the same Zipf
 * choice of tenant, token and document as {@link RoutedClient}.
 *
 * <p>Thread-safe: stateless.
 */
public final class Wrk {
    /** How many requests the script cycles through: enough that every tenant appears. */
    private static final int DRAWN = 50_000;

    private Wrk() {}

    /** Where {@code wrk} is on the PATH, if it is. */
    public static Optional<Path> find() {
        return Executables.onPath("wrk");
    }

    /** Writes the Lua script of routed reads for {@code workload} into {@code dir}. */
    public static Path readScript(Workload workload, RandomGenerator random, Path dir) throws IOException {
        StringBuilder lua = new StringBuilder("local tokens = {\n");
        List<String> tokens = new ArrayList<>();
        List<Integer> firstToken = new ArrayList<>();
        for (TenantTarget tenant : workload.tenants()) {
            firstToken.add(tokens.size());
            tokens.addAll(tenant.tokens());
        }
        for (String token : tokens) {
            lua.append("\"Bearer ").append(token).append("\",\n");
        }
        lua.append("}\nlocal requests = {\n");
        String collection = "/api/data/" + workload.service() + "/" + workload.collection() + "/";
        for (int i = 0; i < DRAWN; i++) {
            int rank = workload.zipf().next(random);
            TenantTarget tenant = workload.tenants().get(rank);
            int token = firstToken.get(rank) + random.nextInt(tenant.tokens().size()) + 1;
            lua.append('{')
                    .append(token)
                    .append(",\"")
                    .append(collection)
                    .append(tenant.documents()
                            .get(random.nextInt(tenant.documents().size())))
                    .append("\"},\n");
        }
        lua.append("""
                }
                local next = 0
                init = function(args)
                  next = math.random(#requests)
                end
                request = function()
                  next = next % #requests + 1
                  local r = requests[next]
                  return wrk.format("GET", r[2], { ["Authorization"] = tokens[r[1]] })
                end
                """);
        Path script = dir.resolve("routed-reads.lua");
        Files.writeString(script, lua, StandardCharsets.UTF_8);
        return script;
    }

    /** Runs wrk for {@code seconds} against {@code url} with {@code connections} connections on 2 threads. */
    public static WrkOutput run(Path wrk, Path script, String url, int connections, int seconds) {
        List<String> command = List.of(
                wrk.toString(),
                "-t2",
                "-c" + connections,
                "-d" + seconds + "s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                script.toString(),
                url);
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(seconds + 30L, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("wrk failed: " + output);
            }
            return WrkOutput.parse(output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run wrk: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
