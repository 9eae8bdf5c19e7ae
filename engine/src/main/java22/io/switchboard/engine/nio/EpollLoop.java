package io.switchboard.engine.nio;

import static io.switchboard.engine.nio.LinuxCalls.EPOLLERR;
import static io.switchboard.engine.nio.LinuxCalls.EPOLLET;
import static io.switchboard.engine.nio.LinuxCalls.EPOLLHUP;
import static io.switchboard.engine.nio.LinuxCalls.EPOLLIN;
import static io.switchboard.engine.nio.LinuxCalls.EPOLLOUT;
import static io.switchboard.engine.nio.LinuxCalls.EPOLLRDHUP;
import static io.switchboard.engine.nio.LinuxCalls.EPOLL_CTL_ADD;
import static io.switchboard.engine.nio.LinuxCalls.EPOLL_CTL_DEL;
import static io.switchboard.engine.nio.LinuxCalls.EPOLL_CTL_MOD;
import static io.switchboard.engine.nio.LinuxCalls.EPOLL_DATA_OFFSET;
import static io.switchboard.engine.nio.LinuxCalls.EPOLL_EVENT_SIZE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The epoll model's loop: one thread, one epoll instance, called directly. What {@link
 * SelectorLoop} gets from the JDK's selector it does itself, with less in between: each socket is
 * registered with its descriptor and its interest as the event's data, so a ready event leads
 * straight to its connection through an array indexed by descriptor (no boxed key, no map, no
 * selection key), and the event itself says what the connection waits for.
 *
 * <p>Edge-triggered, as Netty's epoll transport is (the JDK's selector is level-triggered): epoll
 * reports a socket when input arrives or room frees up, not again on every wait while it stays
 * readable, which spares the kernel a look at every socket just served on the next wait. That asks
 * two things of the loop: a connection reads until the socket is drained (a short read), and one
 * that stops earlier with input left (its share of reads per event used up) re-arms its socket
 * ({@link Readiness#inputLeft}); a change of interest re-arms too, so input that waited while
 * reading was paused is reported on resume. A connection that wants neither input nor output is
 * removed from the set, as the JDK does. Other threads wake the loop through an eventfd
 * (level-triggered: the loop empties it). With {@code --trigger level} the sockets are registered
 * level-triggered instead, as the JDK's selector does, to compare (docs/benchmarks.md).
 *
 * <p>Thread contract: as {@link EventLoop}; everything here runs on the loop thread except {@link
 * #wakeup}.
 */
final class EpollLoop extends EventLoop {
  /** Events taken per wait; more ready sockets are simply reported by the next wait. */
  private static final int MAX_EVENTS = 1024;

  private final LinuxCalls calls = new LinuxCalls();
  private final Arena arena = Arena.ofShared();
  private final MemorySegment events = arena.allocate((long) MAX_EVENTS * EPOLL_EVENT_SIZE, 8);
  private final MemorySegment wakeCount = arena.allocate(Long.BYTES, 8);
  private final int epoll;
  private final int wakeFd;

  /**
   * Held to signal the eventfd and to close it: another thread's wakeup must not write to the
   * descriptor's number once it is closed and perhaps reused.
   */
  private final Object wakeLock = new Object();

  private boolean wakeClosed; // under wakeLock

  /** Set once the loop has released its descriptors (loop thread). */
  private boolean closed;

  /** The loop's connections by descriptor; grows as descriptors do. */
  private NioConnection<?>[] connections = new NioConnection<?>[1024];

  /** Edge-triggered (the default) or level-triggered, as {@code --trigger} chose. */
  private final boolean edgeTriggered;

  EpollLoop(String name, boolean edgeTriggered) throws IOException {
    super(name);
    this.edgeTriggered = edgeTriggered;
    int created = calls.epollCreate();
    if (created < 0) {
      arena.close();
      throw LinuxCalls.error("epoll_create1", created);
    }
    epoll = created;
    int eventfd = calls.eventfd();
    int added =
        eventfd < 0 ? eventfd : calls.epollCtl(epoll, EPOLL_CTL_ADD, eventfd, EPOLLIN, eventfd);
    if (added < 0) {
      LinuxCalls.close(epoll);
      if (eventfd >= 0) {
        LinuxCalls.close(eventfd);
      }
      arena.close();
      throw LinuxCalls.error(eventfd < 0 ? "eventfd" : "epoll_ctl", added);
    }
    wakeFd = eventfd;
  }

  @Override
  void wakeup() {
    synchronized (wakeLock) {
      if (!wakeClosed) {
        LinuxCalls.signal(wakeFd);
      }
    }
  }

  @Override
  protected void awaitAndProcess(boolean worked) throws IOException {
    int ready = calls.epollWait(epoll, events, worked || hasTasks() ? 0 : -1);
    if (ready < 0) {
      throw LinuxCalls.error("epoll_wait", ready);
    }
    for (int i = 0; i < ready; i++) {
      long at = (long) i * EPOLL_EVENT_SIZE;
      int happened = events.get(JAVA_INT_UNALIGNED, at);
      long data = events.get(JAVA_LONG_UNALIGNED, at + EPOLL_DATA_OFFSET);
      int fd = (int) data;
      if (fd == wakeFd) {
        LinuxCalls.clear(wakeFd, wakeCount);
        continue;
      }
      NioConnection<?> connection = fd < connections.length ? connections[fd] : null;
      if (connection == null) {
        continue; // closed by an earlier event of this batch
      }
      int wanted = (int) (data >>> 32);
      // An error or hang-up is news for whatever the connection waits for: its read or write
      // then finds out what happened.
      boolean broken = (happened & (EPOLLERR | EPOLLHUP)) != 0;
      if ((happened & EPOLLOUT) != 0 || broken && (wanted & EPOLLOUT) != 0) {
        connection.writeReady(); // first: it frees socket buffer space the reads' replies will need
      }
      if ((happened & EPOLLIN) != 0 || broken && (wanted & EPOLLIN) != 0) {
        readAndFlush(connection);
        if ((happened & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
          // The peer's end (or a reset) came behind the data just read: the short read that
          // drained the data said nothing of it, and no new edge will. Read once more to meet it.
          readAndFlush(connection);
        }
      }
      runDeferred();
    }
  }

  @Override
  void register(NioConnection<?> connection) {
    SocketFd socket = (SocketFd) connection.channel();
    if (!socket.isOpen()) {
      return; // aborted before it got here (idle sweep, shutdown); nothing to tell anyone
    }
    if (closed) {
      // Handed over as the loop stopped: its epoll descriptor is closed, and its number may be
      // another's by now.
      connection.abort(new IOException("event loop stopped"));
      return;
    }
    socket.callFrom(calls);
    int fd = socket.fd();
    if (fd >= connections.length) {
      connections = Arrays.copyOf(connections, Math.max(fd + 1, connections.length * 2));
    }
    Registration registration = new Registration(connection, fd);
    int added =
        calls.epollCtl(epoll, EPOLL_CTL_ADD, fd, armed(EPOLLIN), registration.data(EPOLLIN));
    if (added < 0) {
      connection.abort(LinuxCalls.error("epoll_ctl", added));
      return;
    }
    registration.events = EPOLLIN;
    connections[fd] = connection;
    connection.registered(registration);
  }

  /**
   * The events to register for {@code wanted}: edge-triggered unless chosen otherwise, and with
   * input the peer's end as an event of its own (see {@link #awaitAndProcess}).
   */
  private int armed(int wanted) {
    if (wanted == 0) {
      return 0;
    }
    return wanted | (edgeTriggered ? EPOLLET : 0) | ((wanted & EPOLLIN) != 0 ? EPOLLRDHUP : 0);
  }

  /** A connection's wishes, kept where epoll reports them: its interest set and event data. */
  private final class Registration implements Readiness {
    private final NioConnection<?> connection;
    private final int fd;

    /** What epoll waits for now; 0 when the socket is out of the set. */
    int events;

    Registration(NioConnection<?> connection, int fd) {
      this.connection = connection;
      this.fd = fd;
    }

    /** The event data: the descriptor, and above it what the connection waits for. */
    long data(int wanted) {
      return (long) wanted << 32 | (fd & 0xffffffffL);
    }

    @Override
    public void interest(boolean read, boolean write) {
      int wanted = (read ? EPOLLIN : 0) | (write ? EPOLLOUT : 0);
      if (wanted == events || connections[fd] != connection) {
        return;
      }
      int op = events == 0 ? EPOLL_CTL_ADD : wanted == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
      if (control(op, wanted)) {
        events = wanted;
      }
    }

    /**
     * Re-arms the socket: a change of interest makes epoll look at the socket again and report what
     * it finds, which edge-triggered mode would otherwise do only on new input.
     */
    @Override
    public void inputLeft() {
      if (edgeTriggered && events != 0 && connections[fd] == connection) {
        control(EPOLL_CTL_MOD, events);
      }
    }

    private boolean control(int op, int wanted) {
      int result = calls.epollCtl(epoll, op, fd, armed(wanted), data(wanted));
      if (result < 0) {
        connection.abort(LinuxCalls.error("epoll_ctl", result));
        return false;
      }
      return true;
    }

    @Override
    public void cancel() {
      if (connections[fd] != connection) {
        return;
      }
      connections[fd] = null;
      if (events != 0) {
        calls.epollCtl(epoll, EPOLL_CTL_DEL, fd, 0, 0);
        events = 0;
      }
    }
  }

  @Override
  protected void closeResources() {
    closed = true;
    for (NioConnection<?> connection : connections.clone()) {
      if (connection != null) {
        connection.abort(new IOException("event loop stopped"));
      }
    }
    synchronized (wakeLock) {
      wakeClosed = true;
      LinuxCalls.close(wakeFd);
    }
    LinuxCalls.close(epoll);
    arena.close();
  }
}
