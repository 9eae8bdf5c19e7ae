package io.switchboard.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One server configuration under test, written {@code model[:key=value[,key=value...]]}, e.g.
 * {@code virtual}, {@code select:selector=poll}, {@code netty:transport=epoll} or {@code
 * reactor:threads=2}. Each option becomes a {@code --key value} argument of {@code serve}. The
 * bench knows models only by these names; the server process resolves them.
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

  /** Netty is the reference every figure is compared with. */
  public boolean isNetty() {
    return model.equals("netty");
  }

  @Override
  public String toString() {
    return label;
  }
}
