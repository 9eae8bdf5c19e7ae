package io.switchboard.bench;

/**
 * One trial's result: which scenario, point, model and round, and what was measured.
 *
 * @param round 1-based: models alternate within a round (A B C, A B C, ...)
 */
public record Sample(
    Scenario scenario, Point point, String model, int round, Measurement measurement) {}
