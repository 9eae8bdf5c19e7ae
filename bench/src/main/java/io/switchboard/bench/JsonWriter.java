package io.switchboard.bench;

/**
 * A small JSON writer for the report: objects, arrays, strings, numbers, booleans and null, with
 * two-space indentation. Commas are placed by tracking whether the current container already has a
 * member.
 *
 * <p>Thread contract: one thread per instance.
 */
final class JsonWriter {
  private final StringBuilder out = new StringBuilder();

  /** One entry per open container: true once it has a member. */
  private final java.util.ArrayDeque<boolean[]> open = new java.util.ArrayDeque<>();

  private boolean afterName;

  JsonWriter beginObject() {
    raw("{");
    open.push(new boolean[1]);
    return this;
  }

  JsonWriter endObject() {
    return end('}');
  }

  JsonWriter beginArray() {
    raw("[");
    open.push(new boolean[1]);
    return this;
  }

  JsonWriter endArray() {
    return end(']');
  }

  JsonWriter name(String name) {
    separate();
    out.append(quote(name)).append(": ");
    afterName = true;
    return this;
  }

  JsonWriter value(String text) {
    return raw(text == null ? "null" : quote(text));
  }

  JsonWriter value(double number) {
    if (Double.isNaN(number) || Double.isInfinite(number)) {
      return raw("null");
    }
    if (number == Math.rint(number) && Math.abs(number) < 1e15) {
      return raw(Long.toString((long) number));
    }
    return raw(Double.toString(number));
  }

  JsonWriter value(boolean flag) {
    return raw(Boolean.toString(flag));
  }

  JsonWriter field(String name, String text) {
    return name(name).value(text);
  }

  JsonWriter field(String name, double number) {
    return name(name).value(number);
  }

  JsonWriter field(String name, boolean flag) {
    return name(name).value(flag);
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private JsonWriter raw(String text) {
    if (!afterName) {
      separate();
    }
    afterName = false;
    out.append(text);
    return this;
  }

  private JsonWriter end(char bracket) {
    boolean[] hadMembers = open.pop();
    if (hadMembers[0]) {
      newline();
    }
    out.append(bracket);
    return this;
  }

  private void separate() {
    boolean[] current = open.peek();
    if (current != null) {
      if (current[0]) {
        out.append(',');
      }
      current[0] = true;
      newline();
    }
  }

  private void newline() {
    out.append('\n').append("  ".repeat(open.size()));
  }

  static String quote(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
