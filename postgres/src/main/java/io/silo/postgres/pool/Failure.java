package io.silo.postgres.pool;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * Why opening a connection failed, sorted into what a caller can act on.
 *
 * @param kind the sort
 * @param message the first line of the driver's message, naming no password
 * @param atNanos {@link System#nanoTime()} when it happened
 */
record Failure(Kind kind, String message, long atNanos) {

    enum Kind {
        /** No permit of the cluster's budget came free in time. */
        BUDGET,
        /** The server does not answer or does not accept connections: SQLSTATE class 08, 57P03, refused sockets. */
        CLUSTER_DOWN,
        /** The server has no free connection slot (53300): its {@code max_connections} is below the budgets. */
        SERVER_FULL,
        /** The database refused the role: wrong password, no CONNECT privilege, no such database, closed to connections. */
        REFUSED,
        /** Anything else. */
        OTHER,
        /** Nothing failed: every connection the pool may hold was lent for the whole wait. */
        BUSY
    }

    static Failure of(Throwable error) {
        return new Failure(classify(error), firstLine(error), System.nanoTime());
    }

    static Kind classify(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            Kind kind = direct(cause);
            if (kind != Kind.OTHER) {
                return kind;
            }
        }
        return Kind.OTHER;
    }

    private static Kind direct(Throwable error) {
        return switch (error) {
            case AcquireFailure failure ->
                switch (failure.reason()) {
                    case BUDGET_EXHAUSTED -> Kind.BUDGET;
                    case CLUSTER_DOWN -> Kind.CLUSTER_DOWN;
                    case REFUSED -> Kind.REFUSED;
                    case NOT_NEEDED, POOL_CLOSED -> Kind.OTHER;
                };
            case SQLException sql when sql.getSQLState() != null -> bySqlState(sql.getSQLState());
            case ConnectException ignored -> Kind.CLUSTER_DOWN;
            case NoRouteToHostException ignored -> Kind.CLUSTER_DOWN;
            case SocketTimeoutException ignored -> Kind.CLUSTER_DOWN;
            case UnknownHostException ignored -> Kind.CLUSTER_DOWN;
            default -> Kind.OTHER;
        };
    }

    private static Kind bySqlState(String state) {
        if (state.startsWith("08") || state.equals("57P03")) {
            return Kind.CLUSTER_DOWN;
        }
        if (state.equals("53300")) {
            return Kind.SERVER_FULL;
        }
        if (state.startsWith("28") || state.equals("42501") || state.equals("3D000") || state.equals("55000")) {
            return Kind.REFUSED;
        }
        return Kind.OTHER;
    }

    private static String firstLine(Throwable error) {
        String message = error.getMessage();
        if (message == null || message.isBlank()) {
            return error.getClass().getSimpleName();
        }
        return message.lines().findFirst().orElse(message).trim();
    }
}
