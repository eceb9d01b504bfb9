package io.silo.template;

import java.util.Set;

/**
 * What a role may do in a service: the collections it may read and write. {@code *} means all.
 *
 * @param name the role name, e.g. {@code manager}
 * @param description one line for people
 * @param read collections it may read
 * @param write collections it may insert into, change and delete from
 */
public record RoleSpec(String name, String description, Set<String> read, Set<String> write) {
    public static final String ALL = "*";

    public RoleSpec {
        read = Set.copyOf(read);
        write = Set.copyOf(write);
    }

    public boolean mayRead(String collection) {
        return read.contains(ALL) || read.contains(collection) || mayWrite(collection);
    }

    public boolean mayWrite(String collection) {
        return write.contains(ALL) || write.contains(collection);
    }
}
