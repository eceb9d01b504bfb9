package io.silo.postgres.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Properties;
import javax.net.SocketFactory;

/**
 * Sockets whose {@code close()} returns only once the PostgreSQL backend on the other end has
 * exited, so that a connection budget counts what the server counts. Named to the driver with
 * its {@code socketFactory} property; public only so that the driver can instantiate it.
 *
 * <p>A backend leaves {@code pg_stat_activity} and frees its connection slot before its process
 * ends, and keeps its socket open until then, precisely so that a client may "wait till the
 * transport layer reports connection closure, and [...] be sure the backend has exited"
 * ({@code socket_close} in PostgreSQL's {@code pqcomm.c}). Without that wait, a permit given back at
 * close lets the next connection log in while the old backend is still exiting, and the server
 * briefly sees one more connection than the budget.
 *
 * <p>So {@code close()} half-closes (the driver has already sent Terminate), reads until the server
 * closes its end, for at most {@value #DRAIN_MILLIS} ms, then closes. A backend busy in a query (an
 * abort) does not read; the bound ends that wait.
 *
 * <p>Thread-safe as {@link Socket} is.
 */
public final class SynchronousCloseSocketFactory extends SocketFactory {
    /** The longest a close waits for the backend to exit. */
    static final int DRAIN_MILLIS = 1_000;

    /**
     * The constructor the driver calls: it tries one taking the connection's properties first, and
     * without it threw and caught two {@code NoSuchMethodException}s for every connection opened.
     */
    public SynchronousCloseSocketFactory(Properties connectionProperties) {
        // no state
    }

    @Override
    public Socket createSocket() {
        return new SynchronousCloseSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(null, new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(localHost, localPort), new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(null, new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(localAddress, localPort), new InetSocketAddress(address, port));
    }

    /** A socket bound to {@code local} when given, connected to {@code remote}. */
    private static Socket connected(InetSocketAddress local, InetSocketAddress remote) throws IOException {
        Socket socket = new SynchronousCloseSocket();
        if (local != null) {
            socket.bind(local);
        }
        socket.connect(remote);
        return socket;
    }

    private static final class SynchronousCloseSocket extends Socket {

        @Override
        public synchronized void close() throws IOException {
            if (isClosed()) {
                return;
            }
            try {
                awaitPeerClose();
            } finally {
                super.close();
            }
        }

        private void awaitPeerClose() {
            if (!isConnected() || isInputShutdown() || isOutputShutdown()) {
                return;
            }
            long deadline = System.nanoTime() + DRAIN_MILLIS * 1_000_000L;
            try {
                shutdownOutput();
                setSoTimeout(DRAIN_MILLIS);
                InputStream in = getInputStream();
                byte[] discard = new byte[512];
                while (in.read(discard) >= 0 && System.nanoTime() - deadline < 0) {
                    // whatever the server still sends is of no use now; the end of the stream is
                }
            } catch (IOException e) {
                // reset, timed out or already gone: nothing more to wait for
            }
        }
    }
}
