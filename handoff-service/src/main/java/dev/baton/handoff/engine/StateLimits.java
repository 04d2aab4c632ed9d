package dev.baton.handoff.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.Slot;
import dev.baton.schemas.Turn;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The bounds the engine puts on what it did not produce itself, so that no one conversation can
 * stop the topology for every tenant:
 *
 * <ul>
 *   <li>event times: a time further than {@code eventTimeWindow} from now (or one that cannot
 *       even be represented in milliseconds) reads as now;
 *   <li>state size: the serialized state stays within {@code maxStateBytes} by keeping the newest
 *       transcript turns that fit (every turn is still on {@code conversation-turns}), so the
 *       state and the handoff built from it stay below the topics' record limit;
 *   <li>collected data: the newest {@code maxSlotsPerType} distinct values of each slot type.
 * </ul>
 */
public record StateLimits(Duration eventTimeWindow, int maxStateBytes, int maxSlotsPerType) {
  /** A quarter of the record limit: the handoff record carries the transcript plus its summary. */
  public static final int DEFAULT_MAX_STATE_BYTES = Topics.MAX_MESSAGE_BYTES / 4;

  public static final StateLimits DEFAULTS =
      new StateLimits(Duration.ofHours(24), DEFAULT_MAX_STATE_BYTES, 8);

  /** JSON escapes a character in at most 6 bytes ({@code \\u0001}); fields and punctuation add the rest. */
  private static final int WORST_BYTES_PER_CHAR = 6;
  private static final int TURN_OVERHEAD = 400;
  private static final int STATE_OVERHEAD = 4096;

  public StateLimits {
    if (eventTimeWindow.isNegative() || eventTimeWindow.isZero()) {
      throw new IllegalArgumentException("eventTimeWindow must be positive");
    }
    if (maxStateBytes < 16 * 1024 || maxStateBytes > Topics.MAX_MESSAGE_BYTES / 2) {
      // Half the record limit at most: the handoff record adds a summary to the same transcript.
      throw new IllegalArgumentException("maxStateBytes must be between 16 KiB and "
          + Topics.MAX_MESSAGE_BYTES / 2 + " bytes, was " + maxStateBytes);
    }
    if (maxSlotsPerType < 1) {
      throw new IllegalArgumentException("maxSlotsPerType must be at least 1");
    }
  }

  /** {@code at} if it lies within the window around {@code now}, else {@code now}. */
  public Instant bound(Instant at, Instant now) {
    if (at == null) {
      return now;
    }
    try {
      long distance = Math.abs(Math.subtractExact(at.toEpochMilli(), now.toEpochMilli()));
      return distance <= eventTimeWindow.toMillis() ? at : now;
    } catch (ArithmeticException outsideMillisecondRange) {
      return now;
    }
  }

  /** The distinct slots of both lists, keeping per type the newest {@code maxSlotsPerType}. */
  public List<Slot> boundSlots(List<Slot> earlier, List<Slot> added) {
    LinkedHashSet<Slot> all = new LinkedHashSet<>(earlier);
    for (Slot s : added) {
      all.remove(s); // Seen again: it moves to the newest position.
      all.add(s);
    }
    Map<Slot.SlotType, Deque<Slot>> newest = new EnumMap<>(Slot.SlotType.class);
    for (Slot s : all) {
      Deque<Slot> kept = newest.computeIfAbsent(s.type(), t -> new ArrayDeque<>());
      kept.addLast(s);
      if (kept.size() > maxSlotsPerType) {
        kept.removeFirst();
      }
    }
    List<Slot> out = new ArrayList<>();
    for (Slot s : all) {
      if (newest.get(s.type()).contains(s)) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  /**
   * The state, with its oldest transcript turns left out if it would serialize to more than
   * {@code maxStateBytes}. Exact sizes are computed only when a cheap upper bound says the state
   * might not fit, which a normal conversation never reaches.
   */
  public ConversationState boundSize(ConversationState state) {
    long upperBound = STATE_OVERHEAD;
    for (Turn t : state.transcript()) {
      upperBound += TURN_OVERHEAD + (long) WORST_BYTES_PER_CHAR * (length(t.text()) + length(t.reason())
          + length(t.eventId()) + length(t.agentId()) + length(t.intent()));
    }
    for (String id : state.recentEventIds()) {
      upperBound += 4 + (long) WORST_BYTES_PER_CHAR * id.length();
    }
    for (Slot s : state.collectedData()) {
      upperBound += 40 + (long) WORST_BYTES_PER_CHAR * length(s.value());
    }
    if (upperBound <= maxStateBytes) {
      return state;
    }
    List<Turn> transcript = state.transcript();
    long budget = maxStateBytes - size(state.toBuilder().transcript(List.of()).build());
    int keepFrom = transcript.size();
    // Newest first; always keep the newest turn (a turn is at most a few tens of KB).
    while (keepFrom > 0) {
      long turnBytes = size(transcript.get(keepFrom - 1)) + 1;
      if (budget - turnBytes < 0 && keepFrom < transcript.size()) {
        break;
      }
      budget -= turnBytes;
      keepFrom--;
    }
    if (keepFrom == 0) {
      return state;
    }
    return state.toBuilder().transcript(List.copyOf(transcript.subList(keepFrom, transcript.size()))).build();
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }

  private static int size(Object value) {
    try {
      return Json.MAPPER.writeValueAsBytes(value).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot size " + value.getClass().getSimpleName(), e);
    }
  }
}
