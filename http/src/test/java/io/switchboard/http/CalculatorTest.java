package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The calculator's grammar, precision and bounds, without a server. */
class CalculatorTest {
  private final Calculator calculator = new Calculator();

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1 + 2 * 3 | 7",
        "(1 + 2) * 3 | 9",
        "-2^2 | -4",
        "2^3^2 | 512",
        "2^100 | 1267650600228229401496703205376",
        "0.1 + 0.2 | 0.3",
        "10 / 4 | 2.5",
        "1 / 3 | 0.3333333333333333333333333333333333",
        "7 % 3 | 1",
        "-7.5 % 2 | -1.5",
        "2^-2 | 0.25",
        "--3 | 3",
        "+.5 | 0.5",
        "99999999999999999999 * 99999999999999999999 | 9999999999999999999800000000000000000001",
        "1.50 + 1 | 2.5",
        "3 - 3 | 0",
      })
  void computes(String expression, String result) throws Exception {
    assertThat(calculator.evaluate(expression).text()).isEqualTo(result);
  }

  @ParameterizedTest(name = "{0}: {2} at {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1 / 0 | 3 | division by zero",
        "1 % (2-2) | 3 | division by zero",
        "0^-1 | 2 | division by zero",
        "1 + | 4 | the expression ends where a number was expected",
        "1 + * 2 | 5 | expected a number or '('",
        "(1 + 2 | 7 | is never closed",
        "1 2 | 3 | unexpected '2'",
        "2 ^ 0.5 | 5 | the exponent must be a whole number",
        "2 ^ 100001 | 5 | the exponent must be between",
        "(10^100000)^10 | 12 | more than 1000000 digits",
        "abc | 1 | expected a number or '('",
      })
  void refusesWithThePosition(String expression, int position, String message) {
    assertThatThrownBy(() -> calculator.evaluate(expression))
        .isInstanceOfSatisfying(
            CalculatorException.class,
            e -> {
              assertThat(e.getMessage()).contains(message);
              assertThat(e.position()).isEqualTo(position);
            });
  }

  @org.junit.jupiter.api.Test
  void boundsNestingAndLength() {
    assertThatThrownBy(() -> calculator.evaluate("(".repeat(65) + "1" + ")".repeat(65)))
        .isInstanceOf(CalculatorException.class)
        .hasMessageContaining("nested more than 64");
    assertThatThrownBy(() -> calculator.evaluate("-".repeat(200) + "1"))
        .isInstanceOf(CalculatorException.class)
        .hasMessageContaining("nested");
    assertThatThrownBy(() -> calculator.evaluate("1+".repeat(600) + "1"))
        .isInstanceOf(CalculatorException.class)
        .hasMessageContaining("longer than 1000");
  }

  @org.junit.jupiter.api.Test
  void roundsWhatIsTooLongToShow() throws Exception {
    Calculator.Result result = calculator.evaluate("3^5000");
    assertThat(result.rounded()).isTrue();
    assertThat(result.text()).matches("4\\.0389\\d{995}E\\+2385");
  }
}
