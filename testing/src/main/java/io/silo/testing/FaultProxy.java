package io.silo.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on the loopback interface that tests put between Silo and a PostgreSQL server, and
 * turn against it: pass everything, refuse new connections, reset every open one, swallow every
 * byte without answering (a server that hangs), or add latency. What a cluster that dies, restarts
 * or hangs looks like from Silo's side, without touching the server itself.
 *
 * <p>Thread-safe; each connection is two virtual threads pumping bytes. {@link #close()} stops
 * listening and resets every connection.
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does to traffic. */
    public enum Mode {
        /** Forwards every byte both ways. */
        PASS,
        /** New connections are closed at once; open ones go on. */
        REFUSE,
        /** Accepts connections and reads what comes, but forwards nothing either way: a hung server. */
        BLACKHOLE
    }

    private final int targetPort;
    private final ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.PASS;
    private volatile Duration latency = Duration.ZERO;
    private volatile boolean open = true;

    private FaultProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("fault-proxy-" + listener.getLocalPort()).start(this::accept);
    }

    /** A proxy in {@link Mode#PASS} to {@code port} on the loopback interface. */
    public static FaultProxy to(int port) {
        try {
            return new FaultProxy(port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for the fault proxy", e);
        }
    }

    /** The port clients connect to instead of the server's. */
    public int port() {
        return listener.getLocalPort();
    }

    /** From now on, does what {@code next} says; existing connections follow it too, but for REFUSE. */
    public void mode(Mode next) {
        mode = next;
    }

    /** Delays every chunk of bytes, both ways, by {@code delay}. */
    public void latency(Duration delay) {
        latency = delay;
    }

    /** Resets every open connection, as a server that crashed would (its clients see a reset or EOF). */
    public void resetAll() {
        for (Socket socket : sockets) {
            reset(socket);
        }
    }

    /** How many client connections are open through the proxy now. */
    public int openConnections() {
        return sockets.size() / 2;
    }

    private void accept() {
        while (open) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (mode == Mode.REFUSE) {
                reset(client);
                continue;
            }
            Thread.ofVirtual().start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket server;
        try {
            server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException e) {
            reset(client);
            return;
        }
        sockets.add(client);
        sockets.add(server);
        Thread.ofVirtual().start(() -> pump(client, server));
        pump(server, client);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                Duration delay = latency;
                if (!delay.isZero()) {
                    Thread.sleep(delay);
                }
                if (mode != Mode.BLACKHOLE) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the other side went away, or resetAll: the pair ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            reset(from);
            reset(to);
        }
    }

    private void reset(Socket socket) {
        sockets.remove(socket);
        try {
            socket.setSoLinger(true, 0); // a close with linger 0 sends RST, as a crashed peer's kernel would
            socket.close();
        } catch (SocketException e) {
            // already closed
        } catch (IOException e) {
            // nothing left to close
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        resetAll();
    }
}
