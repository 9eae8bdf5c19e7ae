package io.switchboard.chat;

import java.time.Instant;

/**
 * A ban on a room: a {@link Mask} over {@code name!user@host}, who set it and when.
 *
 * <p>Thread contract: immutable.
 */
public record Ban(String mask, String setBy, Instant setAt) {}
