package io.pushgateway.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A user's bans and revocations ({@link BanOperations#state(String)}).
 *
 * @param banned whether the user is banned now
 * @param bannedUntil when the ban lapses, or {@code null} when it does not (or there is
 * none)
 * @param revokedBefore the user's credentials issued before this are refused, or
 * {@code null}
 * @author Push Gateway team
 */
public record BanState(boolean banned, @Nullable Instant bannedUntil, @Nullable Instant revokedBefore) {

}
