package io.silo.bench.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection, as {@code wrk} keeps one per client: write a request, read
 * the whole response (Content-Length or chunked), keep the socket for the next. Reopens the socket
 * when the server closed it. Requests come ready-made as bytes ({@link HttpRequests}).
 *
 * <p>Not thread-safe: one client, one connection.
 */
public final class HttpConnection implements AutoCloseable {
    private static final int MAX_LINE = 16 * 1024;

    private final String host;
    private final int port;
    private final byte[] line = new byte[MAX_LINE];
    private byte[] body = new byte[8 * 1024];
    private int bodyLength;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public HttpConnection(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Sends one request and reads its response; returns the status code. The body stays readable until the next call. */
    public int send(byte[] request) throws IOException {
        boolean fresh = socket == null;
        if (fresh) {
            open();
        }
        try {
            return exchange(request);
        } catch (IOException e) {
            close();
            if (fresh) {
                throw e;
            }
            open(); // the server closed an idle keep-alive connection: one retry on a new socket
            return exchange(request);
        }
    }

    /** The body of the last response, as text. */
    public String body() {
        return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
    }

    private void open() throws IOException {
        Socket opened = new Socket();
        opened.setTcpNoDelay(true);
        opened.connect(new InetSocketAddress(host, port), 5_000);
        opened.setSoTimeout(60_000);
        socket = opened;
        in = new BufferedInputStream(opened.getInputStream(), 16 * 1024);
        out = new BufferedOutputStream(opened.getOutputStream(), 16 * 1024);
    }

    private int exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        int status = parseStatus(readLine());
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        for (int length = readLineLength(); length > 0; length = readLineLength()) {
            String header = new String(line, 0, length, StandardCharsets.ISO_8859_1);
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                close = value.equalsIgnoreCase("close");
            }
        }
        bodyLength = 0;
        if (chunked) {
            readChunked();
        } else if (contentLength > 0) {
            readBody((int) contentLength);
        }
        if (close) {
            close();
        }
        return status;
    }

    private void readChunked() throws IOException {
        while (true) {
            String size = readLine();
            int semicolon = size.indexOf(';');
            int chunk = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (chunk == 0) {
                while (readLineLength() > 0) {
                    // trailers
                }
                return;
            }
            readBody(chunk);
            readLineLength(); // the CRLF after the chunk
        }
    }

    private void readBody(int length) throws IOException {
        if (bodyLength + length > body.length) {
            body = java.util.Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + length));
        }
        int read = in.readNBytes(body, bodyLength, length);
        if (read < length) {
            throw new EOFException("the server closed the connection in the middle of a response body");
        }
        bodyLength += length;
    }

    private String readLine() throws IOException {
        int length = readLineLength();
        return new String(line, 0, length, StandardCharsets.ISO_8859_1);
    }

    /** Reads one line into {@link #line} without its CRLF; returns its length. */
    private int readLineLength() throws IOException {
        int length = 0;
        while (true) {
            int next = in.read();
            if (next < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (next == '\n') {
                return length > 0 && line[length - 1] == '\r' ? length - 1 : length;
            }
            if (length == MAX_LINE) {
                throw new IOException("response line longer than " + MAX_LINE + " bytes");
            }
            line[length++] = (byte) next;
        }
    }

    private static int parseStatus(String statusLine) throws IOException {
        // HTTP/1.1 200 OK
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        return Integer.parseInt(statusLine.substring(9, 12));
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a socket that broke; nothing to do
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
