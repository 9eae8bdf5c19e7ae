package io.switchboard.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One server configuration under test, written {@code model[:key=value[,key=value...]]}, e.g.
 * {@code virtual}, {@code select:selector=poll}, {@code netty:transport=epoll} or {@code
 * reactor:threads=2}. Each option becomes a {@code --key value} argument of {@code serve}, except
 * {@code jar=PATH}, which runs that model from another build of switchboard (say, the jar from
 * before a change: {@code reactor,reactor:jar=/tmp/before.jar} measures both in one run). The bench
 * knows models only by these names; the server process resolves them.
 *
 * @param label how reports name it (the text it was parsed from)
 * @param model the model name passed to {@code serve --model}
 * @param options extra {@code serve} options, in the order given
 */
public record ModelSpec(String label, String model, Map<String, String> options) {

  public ModelSpec {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(model, "model");
    options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  public static ModelSpec parse(String text) {
    String trimmed = text.trim();
    int colon = trimmed.indexOf(':');
    String model = (colon < 0 ? trimmed : trimmed.substring(0, colon)).toLowerCase(Locale.ROOT);
    if (model.isEmpty()) {
      throw new IllegalArgumentException("empty model name in '" + text + "'");
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (colon >= 0) {
      for (String pair : trimmed.substring(colon + 1).split(",")) {
        int eq = pair.indexOf('=');
        if (eq <= 0 || eq == pair.length() - 1) {
          throw new IllegalArgumentException(
              "model option '" + pair + "' in '" + text + "' is not key=value");
        }
        options.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    return new ModelSpec(trimmed, model, options);
  }

  /** The option that names another build's jar to run the server from. */
  static final String JAR = "jar";

  /** The jar to run this server from, or {@code null} for the bench's own class path. */
  public String jar() {
    return options.get(JAR);
  }

  /** The options passed to {@code serve} (all but {@code jar}). */
  public Map<String, String> serveOptions() {
    Map<String, String> serve = new LinkedHashMap<>(options);
    serve.remove(JAR);
    return serve;
  }

  /** This spec with one more option ({@code select} becomes {@code select:worker-threads=2}). */
  public ModelSpec with(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(options);
    more.put(key, value);
    String label = this.label + (options.isEmpty() ? ":" : ",") + key + "=" + value;
    return new ModelSpec(label, model, more);
  }

  /**
   * True for an external server the bench starts itself as a reference (vsftpd, nginx), which is no
   * model of ours: {@code serve} does not know it.
   */
  public boolean isReference() {
    return ReferenceServer.named(model).isPresent();
  }

  /** The C epoll echo, the practical limit every echo figure is also compared with. */
  public boolean isLimit() {
    return model.equals(ReferenceServer.CEpoll.NAME);
  }

  /** Netty is the reference every figure is compared with. */
  public boolean isNetty() {
    return model.equals("netty");
  }

  @Override
  public String toString() {
    return label;
  }
}
