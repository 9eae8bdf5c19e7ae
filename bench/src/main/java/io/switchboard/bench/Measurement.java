package io.switchboard.bench;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The figures of one trial (one model, one point, one round). A trial that went wrong keeps
 * whatever it measured and says why in {@code error}: "only 4,113 of 10,000 connections were
 * served" is a result too (that is where a model falls over).
 *
 * @param values the figures measured
 * @param error {@code null}, or why the trial is not a full measurement
 */
public record Measurement(Map<Metric, Double> values, String error) {

  public Measurement {
    values =
        Collections.unmodifiableMap(
            values.isEmpty() ? new EnumMap<>(Metric.class) : new EnumMap<>(values));
  }

  public static Measurement failed(String error) {
    return new Measurement(Map.of(), error);
  }

  /** The same figures with {@code message} as the error (the first error stays). */
  public Measurement withError(String message) {
    return new Measurement(values, error == null ? message : error);
  }

  public boolean ok() {
    return error == null;
  }

  public Double get(Metric metric) {
    return values.get(metric);
  }

  /** Collects figures as a trial goes. Used on one thread. */
  static final class Builder {
    private final Map<Metric, Double> values = new EnumMap<>(Metric.class);
    private String error;

    Builder put(Metric metric, double value) {
      if (!Double.isNaN(value) && !Double.isInfinite(value)) {
        values.put(metric, value);
      }
      return this;
    }

    /** Keeps the first error: later ones are usually its consequences. */
    Builder error(String message) {
      if (error == null) {
        error = message;
      }
      return this;
    }

    Measurement build() {
      return new Measurement(values, error);
    }
  }
}
