package dev.baton.nlp;

import java.util.List;
import java.util.Map;

/** Intents every tenant has, with examples, used beside the tenant's own FAQ intents. */
public final class BuiltinIntents {
  public static final Map<String, List<String>> EXAMPLES =
      Map.of(
          "contact_human_agent",
          List.of(
              "I want to speak to someone",
              "can I talk to a real person",
              "let me speak to a human",
              "put me through to an agent",
              "I need to talk to a person",
              "connect me with customer service",
              "speak to a representative please"),
          "complaint",
          List.of(
              "I want to make a complaint",
              "I want to file a complaint",
              "this is unacceptable I want to complain",
              "I am not happy with your service"),
          "greeting",
          List.of("hi", "hello", "good morning", "hey there"));

  private BuiltinIntents() {}
}
