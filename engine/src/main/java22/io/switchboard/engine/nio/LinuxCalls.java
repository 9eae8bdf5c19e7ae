package io.switchboard.engine.nio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Linux calls the epoll model makes itself, through the Foreign Function & Memory API: sockets,
 * {@code epoll} and an {@code eventfd} for wakeups. This is what the model skips of {@code
 * java.nio} per ready socket: the boxed descriptor looked up in a map to find its key, the
 * channel's locks and state checks, and (for a heap buffer) the copy through a temporary direct
 * buffer.
 *
 * <p>Calls that cannot block (those on non-blocking descriptors, and the socket set-up calls) are
 * <em>critical</em> downcalls: no change of thread state around them, and heap arrays are passed to
 * the kernel as they are, with no copy. {@code accept4} (on the acceptor thread) and {@code
 * epoll_wait} block, so they are ordinary downcalls with native memory.
 *
 * <p>Each call that can fail records {@code errno} into this object's {@link #errno}: one instance
 * per thread that makes calls (each loop, the acceptor), which is why the state is not static.
 * Results that report failure come back as {@code -errno}.
 *
 * <p>Thread contract: the handles are shared; an instance is used by one thread at a time.
 */
final class LinuxCalls {
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int SOCK_STREAM = 1;
  static final int SOCK_NONBLOCK = 0x800;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_REUSEADDR = 2;
  static final int SO_REUSEPORT = 15;
  static final int IPPROTO_TCP = 6;
  static final int TCP_NODELAY = 1;
  static final int SHUT_RDWR = 2;
  static final int MSG_NOSIGNAL = 0x4000;
  static final int EPOLLIN = 0x1;
  static final int EPOLLOUT = 0x4;
  static final int EPOLLERR = 0x8;
  static final int EPOLLHUP = 0x10;
  static final int EPOLLRDHUP = 0x2000;
  static final int EPOLLET = 1 << 31;
  static final int EPOLL_CTL_ADD = 1;
  static final int EPOLL_CTL_DEL = 2;
  static final int EPOLL_CTL_MOD = 3;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int ECONNABORTED = 103;

  /**
   * {@code struct epoll_event}: a 32-bit event mask and 64 bits of user data, packed to 12 bytes on
   * x86-64 and padded to 16 on aarch64.
   */
  static final boolean EPOLL_EVENT_PACKED = !System.getProperty("os.arch").equals("aarch64");

  static final int EPOLL_EVENT_SIZE = EPOLL_EVENT_PACKED ? 12 : 16;
  static final int EPOLL_DATA_OFFSET = EPOLL_EVENT_PACKED ? 4 : 8;

  /** Room for a {@code sockaddr_in6}, the bigger of the two address forms. */
  static final int SOCKADDR_SIZE = 28;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
  private static final Linker.Option CRITICAL = Linker.Option.critical(true);

  private static final MethodHandle SOCKET =
      critical("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle SETSOCKOPT =
      critical(
          "setsockopt",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle BIND =
      critical("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle LISTEN =
      critical("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle GETSOCKNAME =
      critical("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle GETPEERNAME =
      critical("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle RECV =
      critical("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle SEND =
      critical("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle EPOLL_CREATE1 =
      critical("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle EPOLL_CTL =
      critical("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle EVENTFD =
      critical("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

  // Blocking: ordinary downcalls, native memory only.
  private static final MethodHandle ACCEPT4 =
      blocking("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  private static final MethodHandle EPOLL_WAIT =
      blocking(
          "epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

  // No errno wanted: a failure leaves nothing to do.
  private static final MethodHandle CLOSE =
      LINKER.downcallHandle(find("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle SHUTDOWN =
      LINKER.downcallHandle(find("shutdown"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle READ =
      LINKER.downcallHandle(
          find("read"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CRITICAL);
  private static final MethodHandle WRITE =
      LINKER.downcallHandle(
          find("write"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CRITICAL);
  private static final MethodHandle STRERROR =
      LINKER.downcallHandle(find("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

  /** What an eventfd write adds: 1, as the 8 bytes the kernel reads. */
  private static final MemorySegment ONE = MemorySegment.ofArray(new long[] {1});

  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle CALL_STATE_ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private final int[] errnoValue = new int[1];

  /** Where the critical calls record errno: this thread's own int. */
  private final MemorySegment errno = MemorySegment.ofArray(errnoValue);

  /** Where the blocking calls do, which must be native memory. */
  private final MemorySegment blockingErrno = Arena.ofAuto().allocate(CALL_STATE);

  private final byte[] address = new byte[SOCKADDR_SIZE];
  private final int[] addressLength = new int[1];
  private final int[] intOption = new int[1];
  private final byte[] epollEvent = new byte[16];

  private static MemorySegment find(String name) {
    return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in libc"));
  }

  private static MethodHandle critical(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(find(name), descriptor, ERRNO, CRITICAL);
  }

  private static MethodHandle blocking(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(find(name), descriptor, ERRNO);
  }

  /** A handle's {@code invokeExact} declares Throwable; a downcall throws nothing of its own. */
  private static AssertionError unexpected(Throwable e) {
    return new AssertionError("a Linux call failed in Java", e);
  }

  private int failed() {
    return -errnoValue[0];
  }

  private int blockingFailed() {
    return -(int) CALL_STATE_ERRNO.get(blockingErrno, 0L);
  }

  /** The exception for a call that returned {@code -errno}, in the kernel's words. */
  static IOException error(String call, long result) {
    int code = (int) -result;
    String text;
    try {
      MemorySegment message = (MemorySegment) STRERROR.invokeExact(code);
      text = message.reinterpret(256).getString(0);
    } catch (Throwable e) {
      text = "errno " + code;
    }
    return new IOException(text + " (" + call + ")");
  }

  // ---- Sockets -------------------------------------------------------------------------------

  /** A new TCP socket of {@code family}, blocking, closed on exec; or -errno. */
  int socket(int family) {
    try {
      int fd = (int) SOCKET.invokeExact(errno, family, SOCK_STREAM | SOCK_CLOEXEC, 0);
      return fd < 0 ? failed() : fd;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /** Sets an int option; 0 or -errno. */
  int setIntOption(int fd, int level, int option, int value) {
    intOption[0] = value;
    try {
      int result =
          (int)
              SETSOCKOPT.invokeExact(
                  errno, fd, level, option, MemorySegment.ofArray(intOption), Integer.BYTES);
      return result < 0 ? failed() : 0;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /** Binds {@code fd} to {@code local}; 0 or -errno. */
  int bind(int fd, InetSocketAddress local) {
    int length = encode(local, address);
    try {
      int result = (int) BIND.invokeExact(errno, fd, MemorySegment.ofArray(address), length);
      return result < 0 ? failed() : 0;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  int listen(int fd, int backlog) {
    try {
      int result = (int) LISTEN.invokeExact(errno, fd, backlog);
      return result < 0 ? failed() : 0;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /** The local ({@code peer} false) or remote address of {@code fd}. */
  InetSocketAddress address(int fd, boolean peer) throws IOException {
    addressLength[0] = address.length;
    int result;
    try {
      MemorySegment into = MemorySegment.ofArray(address);
      MemorySegment length = MemorySegment.ofArray(addressLength);
      result =
          peer
              ? (int) GETPEERNAME.invokeExact(errno, fd, into, length)
              : (int) GETSOCKNAME.invokeExact(errno, fd, into, length);
    } catch (Throwable e) {
      throw unexpected(e);
    }
    if (result < 0) {
      throw error(peer ? "getpeername" : "getsockname", failed());
    }
    return decode(address);
  }

  /**
   * Waits for a connection on the blocking listener {@code fd}: the new socket, non-blocking and
   * closed on exec, or -errno. The peer's address is not taken here (the acceptor asks for it with
   * {@link #address}), so the blocking call needs no native memory.
   */
  int accept(int fd) {
    try {
      int result =
          (int)
              ACCEPT4.invokeExact(
                  blockingErrno,
                  fd,
                  MemorySegment.NULL,
                  MemorySegment.NULL,
                  SOCK_NONBLOCK | SOCK_CLOEXEC);
      return result < 0 ? blockingFailed() : result;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /**
   * Reads into {@code into} (all of it may be filled): bytes read, 0 at end of stream, or -errno.
   */
  long recv(int fd, MemorySegment into) {
    try {
      long result = (long) RECV.invokeExact(errno, fd, into, into.byteSize(), 0);
      return result < 0 ? failed() : result;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /** Sends {@code bytes} (a peer gone makes it an error, never SIGPIPE): bytes sent, or -errno. */
  long send(int fd, MemorySegment bytes) {
    try {
      long result = (long) SEND.invokeExact(errno, fd, bytes, bytes.byteSize(), MSG_NOSIGNAL);
      return result < 0 ? failed() : result;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  static void close(int fd) {
    try {
      int ignored = (int) CLOSE.invokeExact(fd);
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  static void shutdown(int fd) {
    try {
      int ignored = (int) SHUTDOWN.invokeExact(fd, SHUT_RDWR);
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  // ---- epoll and eventfd ---------------------------------------------------------------------

  /** A new epoll instance, closed on exec; or -errno. */
  int epollCreate() {
    try {
      int fd = (int) EPOLL_CREATE1.invokeExact(errno, SOCK_CLOEXEC);
      return fd < 0 ? failed() : fd;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /** A new non-blocking eventfd, closed on exec; or -errno. */
  int eventfd() {
    try {
      int fd = (int) EVENTFD.invokeExact(errno, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
      return fd < 0 ? failed() : fd;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /**
   * Adds, changes or removes {@code fd}'s interest {@code events}, with {@code data}: 0 or -errno.
   */
  int epollCtl(int epoll, int op, int fd, int events, long data) {
    MemorySegment event = MemorySegment.ofArray(epollEvent);
    event.set(JAVA_INT_UNALIGNED, 0, events);
    event.set(JAVA_LONG_UNALIGNED, EPOLL_DATA_OFFSET, data);
    try {
      int result = (int) EPOLL_CTL.invokeExact(errno, epoll, op, fd, event);
      return result < 0 ? failed() : 0;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /**
   * Waits up to {@code timeoutMillis} (-1: no limit, 0: not at all) for events on {@code epoll},
   * into {@code events} (native memory): how many, 0 if interrupted by a signal, or -errno.
   */
  int epollWait(int epoll, MemorySegment events, int timeoutMillis) {
    int max = (int) (events.byteSize() / EPOLL_EVENT_SIZE);
    try {
      int result = (int) EPOLL_WAIT.invokeExact(blockingErrno, epoll, events, max, timeoutMillis);
      if (result < 0) {
        int code = blockingFailed();
        return code == -EINTR ? 0 : code;
      }
      return result;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /** Adds 1 to the eventfd {@code fd}, waking whoever waits for it. Any thread. */
  static void signal(int fd) {
    try {
      long ignored = (long) WRITE.invokeExact(fd, ONE, (long) Long.BYTES);
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /** Resets the eventfd {@code fd} to 0 (reads its count). */
  static void clear(int fd, MemorySegment eightBytes) {
    try {
      long ignored = (long) READ.invokeExact(fd, eightBytes, (long) Long.BYTES);
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  // ---- Socket addresses ----------------------------------------------------------------------

  /** Writes {@code socket} as a {@code sockaddr_in} or {@code sockaddr_in6}; returns its length. */
  static int encode(InetSocketAddress socket, byte[] into) {
    java.util.Arrays.fill(into, (byte) 0);
    ByteBuffer out = ByteBuffer.wrap(into).order(ByteOrder.nativeOrder());
    InetAddress address = socket.getAddress();
    boolean v6 = address instanceof Inet6Address;
    out.putShort(0, (short) (v6 ? AF_INET6 : AF_INET));
    out.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) socket.getPort());
    if (v6) {
      out.put(8, address.getAddress());
      out.order(ByteOrder.nativeOrder()).putInt(24, ((Inet6Address) address).getScopeId());
      return 28;
    }
    out.put(4, address.getAddress());
    return 16;
  }

  /** Reads a {@code sockaddr_in} or {@code sockaddr_in6} (an IPv4-mapped one as IPv4). */
  static InetSocketAddress decode(byte[] from) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(from).order(ByteOrder.nativeOrder());
    int family = in.getShort(0);
    int port = in.order(ByteOrder.BIG_ENDIAN).getShort(2) & 0xffff;
    byte[] raw = new byte[family == AF_INET6 ? 16 : 4];
    in.get(family == AF_INET6 ? 8 : 4, raw);
    try {
      InetAddress address = InetAddress.getByAddress(raw);
      if (address instanceof Inet4Address || family != AF_INET6) {
        return new InetSocketAddress(address, port);
      }
      int scope = in.order(ByteOrder.nativeOrder()).getInt(24);
      return new InetSocketAddress(Inet6Address.getByAddress(null, raw, scope), port);
    } catch (UnknownHostException e) {
      throw new IOException("unreadable socket address of family " + family, e);
    }
  }
}
