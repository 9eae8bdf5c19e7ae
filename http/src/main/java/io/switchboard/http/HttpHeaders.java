package io.switchboard.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A request's header fields in the order received: names lowercased (field names are
 * case-insensitive, RFC 9110 §5.1), values as sent with surrounding whitespace removed, decoded as
 * ISO-8859-1 (one char per byte, so no byte is lost). A name may repeat.
 *
 * <p>Thread contract: immutable once built; any thread.
 */
public final class HttpHeaders {
  public static final HttpHeaders EMPTY = new HttpHeaders(new String[0], 0);

  /** Names and values alternating: name 0, value 0, name 1, value 1, ... */
  private final String[] fields;

  private final int size;

  private HttpHeaders(String[] fields, int size) {
    this.fields = fields;
    this.size = size;
  }

  /** Headers from {@code name, value, name, value, ...}; names are lowercased. */
  public static HttpHeaders of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must pair up");
    }
    String[] fields = namesAndValues.clone();
    for (int i = 0; i < fields.length; i += 2) {
      fields[i] = fields[i].toLowerCase(Locale.ROOT);
    }
    return new HttpHeaders(fields, fields.length / 2);
  }

  /** Builds headers one field at a time; used by the decoder. */
  static final class Builder {
    private String[] fields = new String[16];
    private int size;

    void add(String lowercaseName, String value) {
      if (2 * size + 2 > fields.length) {
        fields = Arrays.copyOf(fields, fields.length * 2);
      }
      fields[2 * size] = lowercaseName;
      fields[2 * size + 1] = value;
      size++;
    }

    int size() {
      return size;
    }

    HttpHeaders build() {
      HttpHeaders headers = size == 0 ? EMPTY : new HttpHeaders(fields, size);
      fields = new String[16];
      size = 0;
      return headers;
    }
  }

  public int size() {
    return size;
  }

  public String name(int index) {
    return fields[2 * checked(index)];
  }

  public String value(int index) {
    return fields[2 * checked(index) + 1];
  }

  private int checked(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    return index;
  }

  /** The first value of {@code name} (any case), or {@code null}. */
  public String get(String name) {
    for (int i = 0; i < size; i++) {
      if (fields[2 * i].equalsIgnoreCase(name)) {
        return fields[2 * i + 1];
      }
    }
    return null;
  }

  /** Every value of {@code name}, in order. */
  public List<String> all(String name) {
    List<String> values = new ArrayList<>(2);
    for (int i = 0; i < size; i++) {
      if (fields[2 * i].equalsIgnoreCase(name)) {
        values.add(fields[2 * i + 1]);
      }
    }
    return values;
  }

  public boolean contains(String name) {
    return get(name) != null;
  }

  /**
   * True if a comma-separated list field ({@code Connection}, {@code Transfer-Encoding}, ...) holds
   * {@code token}, compared case-insensitively, across every line of that field.
   */
  public boolean hasToken(String name, String token) {
    for (int i = 0; i < size; i++) {
      if (fields[2 * i].equalsIgnoreCase(name)) {
        for (String part : fields[2 * i + 1].split(",")) {
          if (part.trim().equalsIgnoreCase(token)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof HttpHeaders that) || that.size != size) {
      return false;
    }
    return Arrays.equals(fields, 0, 2 * size, that.fields, 0, 2 * size);
  }

  @Override
  public int hashCode() {
    int hash = size;
    for (int i = 0; i < 2 * size; i++) {
      hash = 31 * hash + fields[i].hashCode();
    }
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      text.append(i == 0 ? "" : ", ").append(fields[2 * i]).append(": ").append(fields[2 * i + 1]);
    }
    return text.append('}').toString();
  }
}
