package io.silo.postgres.pool;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.ShardingKey;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A connection that runs a hook exactly once when it ends (given the connection that ended), and hands every other call to the
 * connection it wraps. Written out rather than a dynamic proxy: a proxy made every call on a
 * tenant connection reflective, twice (benchmarks.md, the profiles of issue 12).
 *
 * <p>Thread-safe as far as the wrapped connection is.
 */
final class EndingConnection implements Connection {
    private final Connection target;
    private final Consumer<Connection> hook;
    private final boolean endsOnAbort;
    private final AtomicBoolean ended = new AtomicBoolean();

    private EndingConnection(Connection target, Consumer<Connection> hook, boolean endsOnAbort) {
        this.target = target;
        this.hook = hook;
        this.endsOnAbort = endsOnAbort;
    }

    /**
     * A physical connection that gives its budget permit back when closed or aborted ({@code release}
     * gets the connection that ended, as its pool knows it). HikariCP
     * closes physical connections when it retires them (idle, evicted, broken, pool closed) and
     * aborts the busy ones when a pool shuts down; either way the permit comes back, once. A close
     * returns when the backend has exited (see {@code SynchronousCloseSocketFactory}); an abort does
     * not wait for a backend busy in a query, which may outlive its permit by that query's end.
     */
    static Connection releasing(Connection physical, Consumer<Connection> release) {
        return new EndingConnection(physical, release, true);
    }

    /** A pooled connection lent to a request; {@code returned} runs once it is handed back to its pool. */
    static Connection lent(Connection pooled, Runnable returned) {
        return new EndingConnection(pooled, ended -> returned.run(), false);
    }

    @Override
    public void close() throws SQLException {
        try {
            target.close();
        } finally {
            end();
        }
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        try {
            target.abort(executor);
        } finally {
            if (endsOnAbort) {
                end();
            }
        }
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            hook.accept(this);
        }
    }

    @Override
    public String toString() {
        return "Silo(" + target + ")";
    }

    @Override
    public void beginRequest() throws SQLException {
        target.beginRequest();
    }

    @Override
    public void clearWarnings() throws SQLException {
        target.clearWarnings();
    }

    @Override
    public void commit() throws SQLException {
        target.commit();
    }

    @Override
    public Array createArrayOf(String arg0, Object[] arg1) throws SQLException {
        return target.createArrayOf(arg0, arg1);
    }

    @Override
    public Blob createBlob() throws SQLException {
        return target.createBlob();
    }

    @Override
    public Clob createClob() throws SQLException {
        return target.createClob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return target.createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return target.createSQLXML();
    }

    @Override
    public Statement createStatement() throws SQLException {
        return target.createStatement();
    }

    @Override
    public Statement createStatement(int arg0, int arg1) throws SQLException {
        return target.createStatement(arg0, arg1);
    }

    @Override
    public Statement createStatement(int arg0, int arg1, int arg2) throws SQLException {
        return target.createStatement(arg0, arg1, arg2);
    }

    @Override
    public Struct createStruct(String arg0, Object[] arg1) throws SQLException {
        return target.createStruct(arg0, arg1);
    }

    @Override
    public void endRequest() throws SQLException {
        target.endRequest();
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        return target.getAutoCommit();
    }

    @Override
    public String getCatalog() throws SQLException {
        return target.getCatalog();
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return target.getClientInfo();
    }

    @Override
    public String getClientInfo(String arg0) throws SQLException {
        return target.getClientInfo(arg0);
    }

    @Override
    public int getHoldability() throws SQLException {
        return target.getHoldability();
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return target.getMetaData();
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return target.getNetworkTimeout();
    }

    @Override
    public String getSchema() throws SQLException {
        return target.getSchema();
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return target.getTransactionIsolation();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return target.getTypeMap();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return target.getWarnings();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return target.isClosed();
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return target.isReadOnly();
    }

    @Override
    public boolean isValid(int arg0) throws SQLException {
        return target.isValid(arg0);
    }

    @Override
    public boolean isWrapperFor(Class<?> arg0) throws SQLException {
        return target.isWrapperFor(arg0);
    }

    @Override
    public String nativeSQL(String arg0) throws SQLException {
        return target.nativeSQL(arg0);
    }

    @Override
    public CallableStatement prepareCall(String arg0) throws SQLException {
        return target.prepareCall(arg0);
    }

    @Override
    public CallableStatement prepareCall(String arg0, int arg1, int arg2) throws SQLException {
        return target.prepareCall(arg0, arg1, arg2);
    }

    @Override
    public CallableStatement prepareCall(String arg0, int arg1, int arg2, int arg3) throws SQLException {
        return target.prepareCall(arg0, arg1, arg2, arg3);
    }

    @Override
    public PreparedStatement prepareStatement(String arg0) throws SQLException {
        return target.prepareStatement(arg0);
    }

    @Override
    public PreparedStatement prepareStatement(String arg0, int arg1) throws SQLException {
        return target.prepareStatement(arg0, arg1);
    }

    @Override
    public PreparedStatement prepareStatement(String arg0, int[] arg1) throws SQLException {
        return target.prepareStatement(arg0, arg1);
    }

    @Override
    public PreparedStatement prepareStatement(String arg0, String[] arg1) throws SQLException {
        return target.prepareStatement(arg0, arg1);
    }

    @Override
    public PreparedStatement prepareStatement(String arg0, int arg1, int arg2) throws SQLException {
        return target.prepareStatement(arg0, arg1, arg2);
    }

    @Override
    public PreparedStatement prepareStatement(String arg0, int arg1, int arg2, int arg3) throws SQLException {
        return target.prepareStatement(arg0, arg1, arg2, arg3);
    }

    @Override
    public void releaseSavepoint(Savepoint arg0) throws SQLException {
        target.releaseSavepoint(arg0);
    }

    @Override
    public void rollback() throws SQLException {
        target.rollback();
    }

    @Override
    public void rollback(Savepoint arg0) throws SQLException {
        target.rollback(arg0);
    }

    @Override
    public void setAutoCommit(boolean arg0) throws SQLException {
        target.setAutoCommit(arg0);
    }

    @Override
    public void setCatalog(String arg0) throws SQLException {
        target.setCatalog(arg0);
    }

    @Override
    public void setClientInfo(Properties arg0) throws SQLClientInfoException {
        target.setClientInfo(arg0);
    }

    @Override
    public void setClientInfo(String arg0, String arg1) throws SQLClientInfoException {
        target.setClientInfo(arg0, arg1);
    }

    @Override
    public void setHoldability(int arg0) throws SQLException {
        target.setHoldability(arg0);
    }

    @Override
    public void setNetworkTimeout(Executor arg0, int arg1) throws SQLException {
        target.setNetworkTimeout(arg0, arg1);
    }

    @Override
    public void setReadOnly(boolean arg0) throws SQLException {
        target.setReadOnly(arg0);
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return target.setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String arg0) throws SQLException {
        return target.setSavepoint(arg0);
    }

    @Override
    public void setSchema(String arg0) throws SQLException {
        target.setSchema(arg0);
    }

    @Override
    public void setShardingKey(ShardingKey arg0) throws SQLException {
        target.setShardingKey(arg0);
    }

    @Override
    public void setShardingKey(ShardingKey arg0, ShardingKey arg1) throws SQLException {
        target.setShardingKey(arg0, arg1);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey arg0, int arg1) throws SQLException {
        return target.setShardingKeyIfValid(arg0, arg1);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey arg0, ShardingKey arg1, int arg2) throws SQLException {
        return target.setShardingKeyIfValid(arg0, arg1, arg2);
    }

    @Override
    public void setTransactionIsolation(int arg0) throws SQLException {
        target.setTransactionIsolation(arg0);
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> arg0) throws SQLException {
        target.setTypeMap(arg0);
    }

    @Override
    public <T> T unwrap(Class<T> arg0) throws SQLException {
        return target.unwrap(arg0);
    }
}
