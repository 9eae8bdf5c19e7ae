package io.switchboard.http;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The lesson's backend function done right: arithmetic on decimal numbers of any precision, parsed
 * by a bounded recursive-descent parser. Grammar (usual precedence, {@code ^} binds tighter than
 * unary minus and associates to the right, so {@code -2^2} is -4 and {@code 2^3^2} is 512):
 *
 * <pre>
 *   expression = term { ("+" | "-") term }
 *   term       = unary { ("*" | "/" | "%") unary }
 *   unary      = ("-" | "+") unary | power
 *   power      = primary [ "^" unary ]
 *   primary    = number | "(" expression ")"
 *   number     = digits [ "." digits ] | "." digits
 * </pre>
 *
 * <p>Every way to make it work without end is bounded, and breaking a bound is a {@link
 * CalculatorException} with the position of the offending character, never an exception of another
 * kind or a hang: the expression's length ({@link #MAX_LENGTH}), the nesting depth ({@link
 * #MAX_DEPTH}), the exponent (a whole number up to {@link #MAX_EXPONENT}), and the size of any
 * number computed on the way ({@link #MAX_DIGITS} digits). Division and negative powers are rounded
 * to {@link #DIVISION} (34 significant digits, IEEE 754 decimal128); everything else is exact.
 * Large exponents are deliberately expensive (a 100,000-digit power takes real CPU time): that is
 * what the worker pool and the {@code http-cpu} benchmark are about.
 *
 * <p>Thread contract: stateless; any thread.
 */
public final class Calculator {
  public static final int MAX_LENGTH = 1000;
  public static final int MAX_DEPTH = 64;
  public static final int MAX_EXPONENT = 100_000;
  public static final int MAX_DIGITS = 1_000_000;

  /** Results show at most this many significant digits (rounded beyond, and said so). */
  public static final int SHOWN_DIGITS = 1000;

  public static final MathContext DIVISION = MathContext.DECIMAL128;

  /** A result, as text fit to show. */
  public record Result(BigDecimal value, String text, boolean rounded) {}

  /** Evaluates {@code expression}. */
  public Result evaluate(String expression) throws CalculatorException {
    if (expression.length() > MAX_LENGTH) {
      throw new CalculatorException(
          "expression longer than " + MAX_LENGTH + " characters", MAX_LENGTH + 1);
    }
    Parser parser = new Parser(expression);
    BigDecimal value = parser.expression(0);
    parser.skipSpaces();
    if (parser.position < expression.length()) {
      throw parser.error("unexpected '" + expression.charAt(parser.position) + "'");
    }
    return show(value);
  }

  private static Result show(BigDecimal value) {
    BigDecimal shown = value;
    boolean rounded = false;
    if (shown.precision() > SHOWN_DIGITS) {
      shown = shown.round(new MathContext(SHOWN_DIGITS, RoundingMode.HALF_EVEN));
      rounded = true;
    }
    shown = shown.signum() == 0 ? BigDecimal.ZERO : shown.stripTrailingZeros();
    boolean plainFits = shown.scale() <= SHOWN_DIGITS && shown.scale() >= -SHOWN_DIGITS;
    String text = plainFits ? shown.toPlainString() : shown.toString();
    return new Result(value, text, rounded);
  }

  /** One evaluation: the text and where the parser stands. Not shared. */
  private static final class Parser {
    private final String text;
    private int position;

    Parser(String text) {
      this.text = text;
    }

    BigDecimal expression(int depth) throws CalculatorException {
      BigDecimal value = term(depth);
      while (true) {
        skipSpaces();
        int at = position;
        if (accept('+')) {
          value = checked(value.add(term(depth)), at);
        } else if (accept('-')) {
          value = checked(value.subtract(term(depth)), at);
        } else {
          return value;
        }
      }
    }

    private BigDecimal term(int depth) throws CalculatorException {
      BigDecimal value = unary(depth);
      while (true) {
        skipSpaces();
        int at = position;
        if (accept('*')) {
          BigDecimal right = unary(depth);
          requireDigits(value.precision() + (long) right.precision(), at);
          value = value.multiply(right);
        } else if (accept('/')) {
          BigDecimal right = unary(depth);
          if (right.signum() == 0) {
            throw new CalculatorException("division by zero", at + 1);
          }
          value = checked(value.divide(right, DIVISION), at);
        } else if (accept('%')) {
          BigDecimal right = unary(depth);
          if (right.signum() == 0) {
            throw new CalculatorException("division by zero", at + 1);
          }
          requireDigits(integerDigits(value) - integerDigits(right), at);
          value = value.remainder(right);
        } else {
          return value;
        }
      }
    }

    private BigDecimal unary(int depth) throws CalculatorException {
      skipSpaces();
      if (depth >= MAX_DEPTH) {
        throw error("nested more than " + MAX_DEPTH + " deep");
      }
      if (accept('-')) {
        return unary(depth + 1).negate();
      }
      if (accept('+')) {
        return unary(depth + 1);
      }
      return power(depth);
    }

    private BigDecimal power(int depth) throws CalculatorException {
      BigDecimal base = primary(depth);
      skipSpaces();
      int at = position;
      if (!accept('^')) {
        return base;
      }
      skipSpaces();
      int exponentAt = position;
      BigDecimal exponent = unary(depth + 1);
      int n;
      try {
        n = exponent.intValueExact();
      } catch (ArithmeticException e) {
        throw new CalculatorException("the exponent must be a whole number", exponentAt + 1);
      }
      if (Math.abs((long) n) > MAX_EXPONENT) {
        throw new CalculatorException(
            "the exponent must be between -" + MAX_EXPONENT + " and " + MAX_EXPONENT,
            exponentAt + 1);
      }
      if (n < 0 && base.signum() == 0) {
        throw new CalculatorException("division by zero", at + 1);
      }
      requireDigits(
          (long) Math.abs(n) * Math.max(base.precision(), Math.abs(base.scale()) + 1), at);
      return n >= 0 ? base.pow(n) : BigDecimal.ONE.divide(base.pow(-n), DIVISION);
    }

    private BigDecimal primary(int depth) throws CalculatorException {
      skipSpaces();
      if (accept('(')) {
        int open = position;
        BigDecimal value = expression(depth + 1);
        skipSpaces();
        if (!accept(')')) {
          throw position < text.length()
              ? error("expected ')'")
              : new CalculatorException("'(' at " + open + " is never closed", position + 1);
        }
        return value;
      }
      int start = position;
      while (position < text.length() && isDigit(text.charAt(position))) {
        position++;
      }
      if (position < text.length() && text.charAt(position) == '.') {
        position++;
        while (position < text.length() && isDigit(text.charAt(position))) {
          position++;
        }
      }
      String number = text.substring(start, position);
      if (number.isEmpty() || number.equals(".")) {
        position = start;
        throw position < text.length()
            ? error("expected a number or '('")
            : error("the expression ends where a number was expected");
      }
      return new BigDecimal(number);
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private boolean accept(char c) {
      if (position < text.length() && text.charAt(position) == c) {
        position++;
        return true;
      }
      return false;
    }

    void skipSpaces() {
      while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
        position++;
      }
    }

    /** Refuses an operation whose result would pass {@link #MAX_DIGITS}, before computing it. */
    private static void requireDigits(long digits, int at) throws CalculatorException {
      if (digits > MAX_DIGITS) {
        throw new CalculatorException(
            "the result would have more than " + MAX_DIGITS + " digits", at + 1);
      }
    }

    private static BigDecimal checked(BigDecimal value, int at) throws CalculatorException {
      requireDigits(value.precision(), at);
      return value;
    }

    private static long integerDigits(BigDecimal value) {
      return (long) value.precision() - value.scale();
    }

    CalculatorException error(String message) {
      return new CalculatorException(message, position + 1);
    }
  }
}
