package io.switchboard.http;

/** An expression the {@link Calculator} refuses, with where: the message is fit to show. */
public final class CalculatorException extends Exception {
  private final int position;

  /**
   * @param position 1-based index of the character where the problem was found
   */
  public CalculatorException(String message, int position) {
    super(message, null, false, false);
    this.position = position;
  }

  /** 1-based index of the character where the problem was found. */
  public int position() {
    return position;
  }
}
