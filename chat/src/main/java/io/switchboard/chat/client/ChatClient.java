package io.switchboard.chat.client;

import io.switchboard.chat.line.LineFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The chat client behind {@code switchboard chat HOST:PORT}: connects, sets the name and room, then
 * sends what the user types and shows what the hub sends.
 *
 * <p>Two modes. In a terminal, JLine edits the input line and incoming lines are printed above it,
 * so a message that arrives while you type never garbles your line; the prompt shows the room you
 * talk in. When stdin is not a terminal (a pipe, a script, a device), plain mode: lines in, the
 * hub's lines out, and end of input sends {@code /quit} and waits for the hub to close, so
 * everything piped in is delivered.
 *
 * <p>It ends cleanly on {@code /quit}, Ctrl-D, Ctrl-C (each says goodbye with {@code /quit}) and
 * when the server closes the connection.
 *
 * <p>Thread contract: {@link #run} runs on the caller's thread, which reads user input; one extra
 * thread reads the socket. An instance serves one {@code run}.
 */
public final class ChatClient {
  /** How long to wait for the hub's goodbye after {@code /quit} before closing anyway. */
  private static final long GOODBYE_MILLIS = 3000;

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean allowTerminal;

  /** A client on the process's standard streams; uses the terminal when there is one. */
  public ChatClient() {
    this(System.in, System.out, System.err, true);
  }

  /** A plain-mode client on the given streams (for scripts and tests). */
  public ChatClient(InputStream in, PrintStream out, PrintStream err) {
    this(in, out, err, false);
  }

  private ChatClient(InputStream in, PrintStream out, PrintStream err, boolean allowTerminal) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.allowTerminal = allowTerminal;
  }

  /** The user left (/quit, Ctrl-D, Ctrl-C, end of input): the session ended as asked. */
  public static final int EXIT_QUIT = 0;

  /** The server could not be reached. */
  public static final int EXIT_UNREACHABLE = 1;

  /** The server turned the client away: it is full ({@code ! server-full}). */
  public static final int EXIT_REFUSED = 3;

  /**
   * The server ended the session without being asked: it shut down, dropped the client (too slow, a
   * line too long or too slow to finish) or went away.
   */
  public static final int EXIT_ENDED_BY_SERVER = 4;

  /**
   * Chats until the user quits or the server closes. {@code name} and {@code room} may be {@code
   * null} (the hub then picks a guest name and its default room).
   *
   * @return {@link #EXIT_QUIT}, {@link #EXIT_UNREACHABLE}, {@link #EXIT_REFUSED} or {@link
   *     #EXIT_ENDED_BY_SERVER}; when the server ended the session, why is printed to stderr
   */
  public int run(String host, int port, String name, String room) {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), 10_000);
    } catch (IOException e) {
      err.println(
          "switchboard chat: cannot connect to " + host + ":" + port + ": " + e.getMessage());
      closeQuietly(socket);
      return EXIT_UNREACHABLE;
    }
    Ending ending = new Ending();
    try (socket) {
      // Here, not with the connect: a server that resets at once has been reached, and its end
      // is the session's end (EXIT_ENDED_BY_SERVER), not "cannot connect".
      socket.setTcpNoDelay(true);
      OutputStream toServer = socket.getOutputStream();
      if (name != null) {
        send(toServer, LineFormat.command(LineFormat.NICK, name));
      }
      if (room != null) {
        send(toServer, LineFormat.command(LineFormat.JOIN, room));
      }
      Terminal terminal = allowTerminal ? interactiveTerminal() : null;
      if (terminal != null) {
        try (terminal) {
          interactive(socket, toServer, terminal, ending);
        }
      } else {
        plain(socket, toServer, ending);
      }
    } catch (IOException e) {
      ending.lost(e);
    }
    return ending.report(err);
  }

  /**
   * How the session ended, told by the lines the server sent last: the client's own /quit, a
   * refusal, or an end the server chose (with its reason when it gave one).
   *
   * <p>Thread contract: the receiving thread records; the caller reports once both are done.
   */
  private static final class Ending {
    private volatile boolean quit;
    private volatile String refusal;
    private volatile String reason;

    void quitting() {
      quit = true;
    }

    void heard(String line) {
      String code = LineFormat.errorCode(line);
      if (LineFormat.SERVER_FULL.equals(code)) {
        refusal = LineFormat.errorText(line);
      } else if (code != null && LineFormat.ENDS_SESSION.contains(code)) {
        reason = LineFormat.errorText(line);
      } else if (line.equals(LineFormat.shuttingDown())) {
        reason = "the server is shutting down";
      }
    }

    void lost(IOException e) {
      if (reason == null) {
        reason = "connection lost (" + e.getMessage() + ")";
      }
    }

    int report(PrintStream err) {
      if (refusal != null) {
        err.println("switchboard chat: refused by the server: " + refusal);
        return EXIT_REFUSED;
      }
      if (quit && reason == null) {
        return EXIT_QUIT;
      }
      err.println(
          "switchboard chat: the server ended the session: "
              + (reason == null ? "it closed the connection without a word" : reason));
      return EXIT_ENDED_BY_SERVER;
    }
  }

  // ---- Plain mode ----------------------------------------------------------------------------

  private void plain(Socket socket, OutputStream toServer, Ending ending) throws IOException {
    // Standard input may block forever (a device that stays silent): read it on a daemon thread
    // so the end of the connection ends the client.
    Thread input =
        Thread.ofPlatform()
            .daemon(true)
            .name("chat-input")
            .start(
                () -> {
                  try (BufferedReader lines =
                      new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                      if (LineFormat.isQuit(line)) {
                        ending.quitting();
                      }
                      send(toServer, line);
                      if (LineFormat.isQuit(line)) {
                        return;
                      }
                    }
                    ending.quitting();
                    send(toServer, LineFormat.command(LineFormat.QUIT, null));
                  } catch (IOException e) {
                    // the connection ended; the socket reader reports it
                  }
                });
    try (BufferedReader fromServer = reader(socket)) {
      for (String line; (line = fromServer.readLine()) != null; ) {
        ending.heard(line);
        out.println(line);
      }
    } finally {
      out.flush();
      input.interrupt();
    }
  }

  // ---- Terminal mode -------------------------------------------------------------------------

  /**
   * The system terminal, or {@code null} when stdin or stdout is not one. A null console settles it
   * at once; since JDK 22 the console is never null, and JLine's own detection (a "dumb" terminal
   * when there is none) decides.
   */
  @SuppressWarnings("SystemConsoleNull") // only a shortcut; JLine decides, see above
  private Terminal interactiveTerminal() {
    if (System.console() == null) {
      return null;
    }
    try {
      Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build();
      if (terminal.getType().startsWith(Terminal.TYPE_DUMB)) {
        terminal.close();
        return null;
      }
      return terminal;
    } catch (IOException e) {
      return null;
    }
  }

  private void interactive(Socket socket, OutputStream toServer, Terminal terminal, Ending ending)
      throws IOException {
    LineReader reader =
        LineReaderBuilder.builder().terminal(terminal).appName("switchboard").build();
    terminal
        .writer()
        .println(
            "connected to "
                + socket.getRemoteSocketAddress()
                + "; /help for commands, /quit or Ctrl-D to leave");
    terminal.flush();
    CountDownLatch serverClosed = new CountDownLatch(1);
    // The room the user talks in, for the prompt: followed by the receiver from the hub's replies.
    AtomicReference<String> room = new AtomicReference<>();
    CountDownLatch roomKnown = new CountDownLatch(1);
    Thread.ofPlatform()
        .daemon(true)
        .name("chat-receiver")
        .start(
            () -> {
              try (BufferedReader fromServer = reader(socket)) {
                for (String line; (line = fromServer.readLine()) != null; ) {
                  ending.heard(line);
                  String before = room.get();
                  String now = LineFormat.roomAfter(line, before);
                  room.set(now);
                  if (!Objects.equals(before, now) && reader instanceof LineReaderImpl editing) {
                    // printAbove redraws the line being edited, with the prompt set here, in one
                    // step under the reader's lock: the prompt never shows the old room.
                    editing.setPrompt(prompt(now));
                  }
                  if (now != null) {
                    roomKnown.countDown();
                  }
                  reader.printAbove(line); // above the line being edited, which is redrawn intact
                }
              } catch (IOException e) {
                if (!ending.quit) {
                  ending.lost(e); // reset by the server; after our own /quit, only its echo
                }
              } catch (RuntimeException e) {
                // the terminal went away under the reader
              }
              serverClosed.countDown();
              roomKnown.countDown();
              terminal.raise(Terminal.Signal.INT); // wakes readLine so the client can exit
            });
    // The hub puts every newcomer in a room at once: wait a moment for it, so the first prompt
    // already names the room rather than changing under the user's first keystrokes.
    awaitQuietly(roomKnown);
    while (serverClosed.getCount() > 0) {
      String line;
      try {
        line = reader.readLine(prompt(room.get()));
      } catch (UserInterruptException | EndOfFileException e) {
        if (serverClosed.getCount() == 0) {
          break;
        }
        line = LineFormat.command(LineFormat.QUIT, null);
      }
      if (LineFormat.isQuit(line)) {
        ending.quitting();
      }
      send(toServer, line);
      if (LineFormat.isQuit(line)) {
        awaitQuietly(serverClosed);
        break;
      }
    }
    if (serverClosed.getCount() == 0) {
      terminal.writer().println("connection closed");
      terminal.flush();
    }
  }

  private static String prompt(String room) {
    return (room == null ? "" : LineFormat.ROOM + room) + "> ";
  }

  // ---- Shared --------------------------------------------------------------------------------

  private static void send(OutputStream toServer, String line) throws IOException {
    synchronized (toServer) {
      toServer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      toServer.flush();
    }
  }

  private static BufferedReader reader(Socket socket) throws IOException {
    return new BufferedReader(
        new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(GOODBYE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
