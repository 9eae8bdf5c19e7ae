package io.switchboard.chat;

import java.time.Instant;

/**
 * A room's topic: its text (empty once cleared), who set it and when.
 *
 * <p>Thread contract: immutable.
 */
public record Topic(String text, String setBy, Instant setAt) {}
