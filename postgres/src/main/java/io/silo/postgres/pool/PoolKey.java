package io.silo.postgres.pool;

/** What a pool is cached under: one pool per database per cluster. */
record PoolKey(String clusterId, String database) {

    static PoolKey of(DatabaseTarget target) {
        return new PoolKey(target.cluster().id(), target.database());
    }

    @Override
    public String toString() {
        return clusterId + "/" + database;
    }
}
