package io.switchboard.engine.nio;

import io.switchboard.engine.Engine;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Registers the {@code epoll} model. The model itself ({@code EpollEngine} and the classes it uses)
 * is compiled for Java 22, whose Foreign Function & Memory API it calls Linux with; the rest of the
 * engine targets Java 21. So this class, which the service loader instantiates on any JVM, names
 * the model's engine only by reflection, and says why the model is {@linkplain #unavailable()
 * unavailable} on an older Java or another system instead of failing to load.
 *
 * <p>Thread contract: immutable; any thread.
 */
public final class EpollProvider extends EngineProvider {
  private static final String ENGINE = "io.switchboard.engine.nio.EpollEngine";

  /** Asked once: every listing of the models asks again, and the answer cannot change. */
  private static final String UNAVAILABLE = whyUnavailable();

  public EpollProvider() {
    super(
        "epoll",
        75,
        "acceptor + N loops calling epoll, recv, send themselves (FFM; --threads, --trigger edge|level)",
        EpollProvider::newEngine);
  }

  /** Edge-triggered epoll, the default (see {@code EpollLoop}). */
  static final String EDGE = "edge";

  /** Level-triggered, as the JDK's selector. */
  static final String LEVEL = "level";

  @Override
  public Set<String> options() {
    return Set.of(EngineOptions.THREADS, EngineOptions.TRIGGER);
  }

  @Override
  public List<EngineOptions> variants() {
    return List.of(
        EngineOptions.DEFAULT.with(EngineOptions.TRIGGER, EDGE),
        EngineOptions.DEFAULT.with(EngineOptions.TRIGGER, LEVEL));
  }

  @Override
  public String unavailable() {
    return UNAVAILABLE;
  }

  static String whyUnavailable() {
    int feature = Runtime.version().feature();
    if (feature < 22) {
      return "it calls Linux through the FFM API, final in Java 22; this is Java " + feature;
    }
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
      return "it calls Linux's epoll; this system is " + os;
    }
    String arch = System.getProperty("os.arch", "");
    if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
      return "its system-call layouts are written for amd64 and aarch64; this is " + arch;
    }
    if (EpollProvider.class.getResource("EpollEngine.class") == null) {
      return "this build left it out (compiling it needs a JDK 22 or later)";
    }
    return null;
  }

  private static Engine newEngine(EngineOptions options) {
    int threads = options.threadsOr(Runtime.getRuntime().availableProcessors());
    String trigger = options.option(EngineOptions.TRIGGER, EDGE);
    if (!trigger.equals(EDGE) && !trigger.equals(LEVEL)) {
      throw new IllegalArgumentException(
          "unknown trigger '" + trigger + "' for the epoll model; triggers: edge, level");
    }
    try {
      MethodHandle constructor =
          MethodHandles.lookup()
              .findConstructor(
                  Class.forName(ENGINE),
                  MethodType.methodType(void.class, int.class, EngineOptions.class));
      return (Engine) constructor.invoke(threads, options);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("cannot start the epoll model", e);
    }
  }
}
