package io.switchboard.engine;

/**
 * A typed key for per-connection state kept by an application ({@link Connection#attribute}). Keys
 * compare by identity, so two keys with the same name never collide.
 */
// T is a phantom type: it is never stored, it types the value kept under the key.
@SuppressWarnings("UnusedTypeParameter")
public final class AttributeKey<T> {
  private final String name;

  private AttributeKey(String name) {
    this.name = name;
  }

  public static <T> AttributeKey<T> named(String name) {
    return new AttributeKey<>(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
