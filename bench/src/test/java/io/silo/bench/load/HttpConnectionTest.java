package io.silo.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpConnectionTest {

    @Test
    void readsLengthDelimitedAndChunkedAnswersOnOneKeptAliveSocket() throws Exception {
        List<String> answers = List.of(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\":\"one\"}",
                "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"b\"\r\n3\r\n:2}\r\n0\r\n\r\n",
                "HTTP/1.1 204 No Content\r\n\r\n");
        try (ServerSocket server = new ServerSocket(0)) {
            Thread serving = Thread.ofVirtual().start(() -> serve(server, answers));
            try (HttpConnection connection = new HttpConnection("127.0.0.1", server.getLocalPort())) {
                byte[] request = HttpRequests.get("127.0.0.1", "/x", "token");

                assertThat(connection.send(request)).isEqualTo(200);
                assertThat(connection.body()).isEqualTo("{\"a\":\"one\"}");
                assertThat(connection.send(request)).isEqualTo(404);
                assertThat(connection.body()).isEqualTo("{\"b\":2}");
                assertThat(connection.send(request)).isEqualTo(204);
                assertThat(connection.body()).isEmpty();
            }
            serving.join();
        }
    }

    /** Answers requests on one accepted socket, in order: it fails if the client opened a second one. */
    private static void serve(ServerSocket server, List<String> answers) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (String answer : answers) {
                readHead(in);
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("client closed");
            }
            matched = next == end[matched] ? matched + 1 : next == '\r' ? 1 : 0;
        }
    }
}
