package io.silo.app;

import io.silo.crypto.Secrets;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Names this process among Silo instances, e.g. for job leases: host, pid, and a random part. */
final class InstanceIds {
    private InstanceIds() {}

    static String next() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + Secrets.token(4);
    }
}
