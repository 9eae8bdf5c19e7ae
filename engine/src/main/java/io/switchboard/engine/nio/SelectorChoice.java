package io.switchboard.engine.nio;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Locale;

/**
 * Which JDK selector a loop uses, chosen per server by the {@code selector} option: {@code epoll}
 * (the platform's default provider: epoll on Linux, kqueue on macOS) or {@code poll} (the JDK's
 * classic {@code poll(2)} selector, {@code sun.nio.ch.PollSelectorProvider}).
 *
 * <p>Why not the documented switch: the system property {@code
 * java.nio.channels.spi.SelectorProvider} is read once per JVM, so it cannot give two servers in
 * one process (or one test run) different selectors. The poll provider's class is public but its
 * package is not exported, so calling its constructor needs {@code --add-exports
 * java.base/sun.nio.ch=ALL-UNNAMED}. We try that first (it works when the flag is given), and
 * otherwise create the instance with {@code sun.misc.Unsafe.allocateInstance} from the exported
 * {@code jdk.unsupported} module, which needs no flag from {@code java -jar} or surefire on JDK 21
 * to 25. Skipping the constructor is safe here: neither the provider nor its superclass has
 * instance state, and its selectors accept channels of the default provider (any {@code
 * SelChImpl}). Only the public {@link SelectorProvider#openSelector()} is then called on it.
 *
 * @param name the option value that chose it
 * @param provider opens the selectors
 */
record SelectorChoice(String name, SelectorProvider provider) {
  static final String EPOLL = "epoll";
  static final String POLL = "poll";
  private static final String POLL_PROVIDER = "sun.nio.ch.PollSelectorProvider";

  /** The choice called {@code name} ({@code epoll} or {@code poll}). */
  static SelectorChoice named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case EPOLL -> new SelectorChoice(EPOLL, SelectorProvider.provider());
      case POLL -> new SelectorChoice(POLL, pollProvider());
      default ->
          throw new IllegalArgumentException(
              "unknown selector '" + name + "'; selectors: " + EPOLL + ", " + POLL);
    };
  }

  Selector open() throws IOException {
    return provider.openSelector();
  }

  /**
   * What the selector really is, for the log ("epoll", "poll", "kqueue"), derived from its class so
   * that the log cannot claim epoll where the platform gave something else.
   */
  static String kind(Selector selector) {
    String type = selector.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    return type.endsWith("selectorimpl") ? type.substring(0, type.length() - 12) : type;
  }

  private static SelectorProvider pollProvider() {
    Class<?> type;
    try {
      type = Class.forName(POLL_PROVIDER);
    } catch (ClassNotFoundException e) {
      throw new UnsupportedOperationException(
          "this JDK has no poll selector (" + POLL_PROVIDER + ")", e);
    }
    try {
      return (SelectorProvider) type.getConstructor().newInstance(); // with --add-exports
    } catch (IllegalAccessException e) {
      return allocateWithoutConstructor(type); // the usual case: package not exported
    } catch (ReflectiveOperationException e) {
      throw new UnsupportedOperationException("cannot create " + POLL_PROVIDER, e);
    }
  }

  private static SelectorProvider allocateWithoutConstructor(Class<?> type) {
    try {
      Class<?> unsafeType = Class.forName("sun.misc.Unsafe");
      Field field = unsafeType.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      Object unsafe = field.get(null);
      return (SelectorProvider)
          unsafeType.getMethod("allocateInstance", Class.class).invoke(unsafe, type);
    } catch (InvocationTargetException e) {
      throw new UnsupportedOperationException("cannot create " + POLL_PROVIDER, e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new UnsupportedOperationException(
          "cannot create "
              + POLL_PROVIDER
              + "; run with --add-exports java.base/sun.nio.ch=ALL-UNNAMED",
          e);
    }
  }
}
