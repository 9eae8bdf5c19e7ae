package io.switchboard.http;

import io.switchboard.testkit.Await;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw HTTP/1.1 client over a real socket, for what curl will not send: malformed requests, bytes
 * split anywhere, pipelines. It writes exactly the bytes given and reads responses framed by their
 * {@code Content-Length}, the way a client on a kept-alive connection must.
 *
 * <p>Thread contract: one thread at a time.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** One response as read off the wire. */
  // A test's value: compared field by field where it matters, never with equals.
  @SuppressWarnings("ArrayRecordComponent")
  record Response(int status, String statusLine, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = socket.getOutputStream();
    socket.setSoTimeout((int) Await.DEFAULT.toMillis());
  }

  static RawHttp connect(InetSocketAddress address) {
    try {
      Socket socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(address, (int) Await.DEFAULT.toMillis());
      return new RawHttp(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect to " + address, e);
    }
  }

  RawHttp send(String text) {
    return write(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a GET of {@code path} with a Host field. */
  RawHttp get(String path) {
    return send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
  }

  /** Reads one response to a request other than HEAD. */
  Response read() {
    return read(false);
  }

  /** Reads one response; {@code head}: it answers a HEAD, so no body follows whatever it says. */
  Response read(boolean head) {
    Response response = readHead();
    String length = response.header("content-length");
    int status = response.status();
    if (head || length == null || status == 304 || status == 204) {
      return response;
    }
    try {
      byte[] body = in.readNBytes(Integer.parseInt(length));
      return new Response(status, response.statusLine(), response.headers(), body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a status line and header fields; the body (if any) is left to {@link #input()}. */
  Response readHead() {
    try {
      String statusLine = line();
      if (statusLine == null) {
        throw new AssertionError("the server closed the connection instead of answering");
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line = line(); !line.isEmpty(); line = line()) {
        int colon = line.indexOf(':');
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      return new Response(status, statusLine, headers, new byte[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code request} and reads its response. */
  Response exchange(String request) {
    return send(request).read(request.startsWith("HEAD "));
  }

  /** True if the server closes the connection (end of stream or reset) before the deadline. */
  boolean closedByServer() {
    try {
      byte[] buffer = new byte[8192];
      while (true) {
        if (in.read(buffer) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset: closed too
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] text = bytes.toByteArray();
        int length =
            text.length > 0 && text[text.length - 1] == '\r' ? text.length - 1 : text.length;
        return new String(text, 0, length, StandardCharsets.ISO_8859_1);
      }
      bytes.write(b);
    }
    return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
  }

  InputStream input() {
    return in;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // the test is done with it
    }
  }
}
