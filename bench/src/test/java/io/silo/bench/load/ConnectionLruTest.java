package io.silo.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionLruTest {
    private final List<String> closed = new ArrayList<>();

    private record Fake(String database, Connection connection) implements ConnectionLru.Held {}

    private Fake open(String database) {
        Connection connection = (Connection) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        closed.add(database);
                    }
                    return null;
                });
        return new Fake(database, connection);
    }

    @Test
    void aDatabaseWithoutConnectionTakesTheLeastRecentlyUsedIdleOneOfAnother() throws Exception {
        try (ConnectionLru<Fake> lru = new ConnectionLru<>(2, this::open)) {
            Fake a = lru.take("a");
            Fake b = lru.take("b");
            lru.give("a", a, false);
            lru.give("b", b, false);

            Fake c = lru.take("c");

            assertThat(c.database()).isEqualTo("c");
            assertThat(closed).containsExactly("a");
            assertThat(lru.take("b")).isSameAs(b);
            assertThat(lru.logins()).isEqualTo(3);
        }
    }

    @Test
    void aSecondConnectionOfADatabaseComesOnlyFromFreeBudget() throws Exception {
        try (ConnectionLru<Fake> lru = new ConnectionLru<>(2, this::open)) {
            Fake first = lru.take("a");
            Fake second = lru.take("a");
            lru.give("a", second, false);

            Fake third = lru.take("a");

            assertThat(third).isSameAs(second);
            assertThat(closed).isEmpty();
            lru.give("a", first, false);
            lru.give("a", third, false);
            assertThat(lru.take("b").database()).isEqualTo("b");
            assertThat(closed).containsExactly("a");
            assertThat(lru.logins()).isEqualTo(3);
        }
    }
}
