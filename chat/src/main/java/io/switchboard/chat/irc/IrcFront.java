package io.switchboard.chat.irc;

import io.switchboard.chat.ChatEvent;
import io.switchboard.chat.ChatEvent.Entered;
import io.switchboard.chat.ChatEvent.History;
import io.switchboard.chat.ChatEvent.Whispered;
import io.switchboard.chat.ChatHub;
import io.switchboard.chat.Session;
import io.switchboard.engine.AttributeKey;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.FrameTimeoutException;
import io.switchboard.engine.Handler;
import io.switchboard.engine.IdleTimeoutException;
import io.switchboard.engine.OutboundOverflowException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The IRC front of the chat hub: each connection is an {@link IrcMember}; its lines, framed and
 * parsed by {@link IrcDecoder}, run through the command table ({@link IrcCommands}); the hub's
 * events go out in IRC's words ({@link IrcFormat}). A client on this front and one on the line
 * front meet in the same rooms: {@code #room} here is {@code room} there.
 *
 * <p>Two things run off the connection's handler context, and neither on the common pool nor on an
 * event loop: the liveness check, on one timer thread per front that only sends PINGs and closes
 * through the thread-safe {@link Connection} (the thread exists only while clients do); and the
 * check of an OPER's password, which is slow by design, on a virtual thread, one per core at most,
 * while the client's reading is paused and its later commands wait, so replies keep their order.
 *
 * <p>Thread contract: the engine calls this handler for one connection at a time, in order; the
 * state it shares across connections (the timer, the counters, the last rendered event) is
 * thread-safe.
 */
public final class IrcFront implements Handler<IrcInput> {
  private static final AttributeKey<IrcMember> MEMBER = AttributeKey.named("irc-member");
  private static final byte[] NOTHING = new byte[0];

  private final IrcSettings settings;
  private final IrcFormat format;
  private final IrcCommands commands;
  private final ScheduledThreadPoolExecutor timer;
  private final Semaphore hashing =
      new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));
  private final AtomicInteger unregistered = new AtomicInteger();

  /**
   * The event rendered last, with its bytes: a room hands one event to each of its members in turn,
   * so a broadcast is rendered once, not once per member. Racy by design, as in the line front: a
   * miss costs a render, never a wrong line (matched by identity; only events that read the same to
   * every member are kept).
   */
  private volatile Rendered lastRendered;

  // The bytes are never changed once rendered; the event is compared by identity on purpose.
  @SuppressWarnings("ArrayRecordComponent")
  private record Rendered(ChatEvent event, byte[] bytes) {}

  public IrcFront(ChatHub hub, IrcSettings settings) {
    this.settings = settings;
    this.format = new IrcFormat(settings.serverName());
    this.commands = new IrcCommands(this, hub, format, settings);
    this.timer =
        new ScheduledThreadPoolExecutor(
            1, run -> Thread.ofPlatform().daemon(true).name("irc-liveness").unstarted(run));
    timer.setKeepAliveTime(10, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    timer.setRemoveOnCancelPolicy(true);
  }

  IrcSettings settings() {
    return settings;
  }

  IrcFormat format() {
    return format;
  }

  /** Connections that have not registered yet (LUSERS' "unknown connections"). */
  int unregistered() {
    return unregistered.get();
  }

  void registered(IrcMember client) {
    unregistered.decrementAndGet();
  }

  /** {@code event} as {@code member} sees it, as bytes; empty when it sees nothing. */
  @SuppressWarnings("ReferenceEquality") // the same event object, not an equal one: see Rendered
  byte[] render(ChatEvent event, IrcMember member) {
    boolean shared =
        !(event instanceof Entered || event instanceof History || event instanceof Whispered);
    Rendered last = lastRendered;
    if (shared && last != null && last.event() == event) {
      return last.bytes();
    }
    List<String> lines = format.render(event, member.nick, member.address(), member.multiPrefix);
    byte[] bytes = lines.isEmpty() ? NOTHING : IrcFormat.wire(lines);
    if (shared) {
      lastRendered = new Rendered(event, bytes);
    }
    return bytes;
  }

  // ---- The engine's callbacks ------------------------------------------------------------------

  @Override
  public void opened(Connection connection) {
    IrcMember client = new IrcMember(this, connection);
    connection.attribute(MEMBER, client);
    unregistered.incrementAndGet();
    long period = checkPeriod().toMillis();
    client.liveness =
        timer.scheduleWithFixedDelay(client::checkLiveness, period, period, TimeUnit.MILLISECONDS);
  }

  /** How often each client's liveness is looked at: a quarter of the shortest timeout. */
  private Duration checkPeriod() {
    Duration shortest = settings.pingInterval();
    for (Duration d : List.of(settings.pingTimeout(), settings.registrationTimeout())) {
      if (d.compareTo(shortest) < 0) {
        shortest = d;
      }
    }
    Duration quarter = shortest.dividedBy(4);
    return quarter.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50) : quarter;
  }

  @Override
  public void received(Connection connection, IrcInput input) {
    IrcMember client = connection.attribute(MEMBER);
    if (client == null) {
      return;
    }
    client.heard();
    synchronized (client) {
      if (client.busy) {
        client.waiting.add(input); // after the OPER being checked; reading is paused meanwhile
        connection.pauseReading();
        return;
      }
      commands.dispatch(client, input);
    }
  }

  /**
   * OPER: checks the password on a virtual thread (at most one per core), with the client's reading
   * paused and its next commands held, then answers and runs what waited, in order.
   */
  void checkOperator(IrcMember client, String name, String password) {
    client.busy = true;
    client.connection.pauseReading();
    char[] secret = password.toCharArray();
    Thread.ofVirtual()
        .name("irc-oper")
        .start(
            () -> {
              boolean valid;
              hashing.acquireUninterruptibly();
              try {
                valid = settings.operators().verify(name, secret);
              } finally {
                hashing.release();
              }
              synchronized (client) {
                client.busy = false;
                if (!client.connection.isOpen()) {
                  client.waiting.clear(); // gone meanwhile: nothing to answer
                  return;
                }
                commands.operChecked(client, valid);
                while (!client.busy && !client.waiting.isEmpty()) {
                  commands.dispatch(client, client.waiting.poll());
                }
                if (!client.busy) {
                  client.connection.resumeReading();
                }
              }
            });
  }

  @Override
  public void malformed(Connection connection, FrameException error) {
    IrcMember client = connection.attribute(MEMBER);
    String why =
        error instanceof FrameTimeoutException timeout
            ? "Line not complete within " + FrameTimeoutException.seconds(timeout.timeout())
            : error.getMessage();
    if (client != null) {
      client.closeWith(why, "line not complete in time");
    } else {
      connection.send(IrcFormat.wire(format.error(why)));
      connection.close();
    }
  }

  @Override
  public void stopping(Connection connection) {
    IrcMember client = connection.attribute(MEMBER);
    if (client != null) {
      client.closeReason = "Server shutting down";
      client.send(format.error("Closing link: (" + client.address() + ") [Server shutting down]"));
    }
  }

  @Override
  public void closed(Connection connection, Throwable cause) {
    IrcMember client = connection.attribute(MEMBER);
    if (client == null) {
      return;
    }
    if (client.liveness != null) {
      client.liveness.cancel(false);
    }
    Session session = client.session;
    if (session == null) {
      unregistered.decrementAndGet();
      return;
    }
    String reason = client.closeReason;
    if (reason == null && cause != null) {
      reason =
          switch (cause) {
            case IdleTimeoutException idle -> "Idle too long";
            case OutboundOverflowException overflow -> "Too slow";
            default -> "Connection lost";
          };
    }
    session.disconnected(reason == null ? "Connection closed" : reason);
  }
}
