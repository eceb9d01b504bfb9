package io.silo.postgres.pool;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connections that run a hook exactly once when they end, delegating everything else. A dynamic
 * proxy rather than a hand-written delegate: {@link Connection} has fifty-odd methods and grows with
 * every JDBC release, and only {@code close} (and {@code abort}) matter here.
 */
final class Connections {
    private static final Set<String> CLOSE = Set.of("close");
    private static final Set<String> CLOSE_OR_ABORT = Set.of("close", "abort");

    private Connections() {}

    /**
     * A physical connection that gives its budget permit back when closed or aborted. HikariCP
     * closes physical connections when it retires them (idle, evicted, broken, pool closed) and
     * aborts the busy ones when a pool shuts down; either way the permit comes back, once. A close
     * returns when the backend has exited (see {@code SynchronousCloseSocketFactory}); an abort does
     * not wait for a backend busy in a query, which may outlive its permit by that query's end.
     */
    static Connection releasing(Connection physical, Runnable release) {
        return proxy(physical, CLOSE_OR_ABORT, release);
    }

    /** A pooled connection lent to a request; {@code returned} runs once it is handed back to its pool. */
    static Connection lent(Connection pooled, Runnable returned) {
        return proxy(pooled, CLOSE, returned);
    }

    private static Connection proxy(Connection target, Set<String> ending, Runnable hook) {
        return (Connection) Proxy.newProxyInstance(
                Connections.class.getClassLoader(), new Class<?>[] {Connection.class}, new OnEnd(target, ending, hook));
    }

    private static final class OnEnd implements InvocationHandler {
        private final Connection target;
        private final Set<String> ending;
        private final Runnable hook;
        private final AtomicBoolean ended = new AtomicBoolean();

        OnEnd(Connection target, Set<String> ending, Runnable hook) {
            this.target = target;
            this.ending = ending;
            this.hook = hook;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "Silo(" + target + ")";
                };
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (ending.contains(method.getName()) && ended.compareAndSet(false, true)) {
                    hook.run();
                }
            }
        }
    }
}
