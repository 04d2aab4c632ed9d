package dev.baton.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DeadLettersTest {

  @Test
  void aReasonQuotingACardNumberHasItMasked() {
    // A parser's message can quote the record it could not read.
    String reason = "not a valid ConversationEvent: Cannot deserialize from String \"4242 4242 4242 4242\"";
    assertEquals("not a valid ConversationEvent: Cannot deserialize from String \"[card ending 4242]\"",
        DeadLetters.bounded(reason));
  }

  @Test
  void controlCharactersAreStillEscaped() {
    assertEquals("line\\u000anext", DeadLetters.bounded("line\nnext"));
  }
}
