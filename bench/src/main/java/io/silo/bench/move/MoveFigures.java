package io.silo.bench.move;

import io.silo.bench.system.Machine;
import java.time.Instant;
import java.util.List;

/**
 * One {@code silo bench --move} run: each organization moved with a client writing throughout,
 * and one drain.
 *
 * @param server the two servers' version and settings
 * @param moves each measured move, smallest first
 * @param drain the drain of a cluster holding several small organizations
 */
record MoveFigures(Instant startedAt, String commit, Machine machine, String server, List<Move> moves, Drain drain) {

    /**
     * A move of one organization.
     *
     * @param databaseBytes its databases together ({@code pg_database_size}) before the move
     * @param rows the invoices it held when the move began
     * @param method {@code logical} or {@code copy}, as the move reports
     * @param seconds from the request until the job succeeded
     * @param fenceMillis how long the move says writes were fenced
     * @param seen what the writing client saw
     * @param lost acknowledged writes not found on the target afterwards
     * @param load the load average when it began
     */
    record Move(
            String slug,
            long databaseBytes,
            long rows,
            String method,
            double seconds,
            long fenceMillis,
            WriteTraffic.Seen seen,
            long lost,
            double load) {
        double megabytes() {
            return databaseBytes / 1048576.0;
        }
    }

    /**
     * A drain: every organization moved off a cluster, {@code parallel} at a time.
     *
     * @param organizations how many it moved
     * @param databaseBytes their databases together
     * @param seconds from the request until the job succeeded
     */
    record Drain(int organizations, int parallel, long databaseBytes, double seconds, double load) {
        double megabytesPerSecond() {
            return databaseBytes / 1048576.0 / seconds;
        }

        double organizationsPerMinute() {
            return organizations * 60 / seconds;
        }
    }
}
