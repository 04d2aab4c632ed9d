package dev.baton.gateway.rest;

/** Query parameters read by hand, so a bad one is a 400 problem naming it. */
final class Params {
  private Params() {}

  /** A whole number in [min, max], or {@code fallback} when absent (or empty, as a form sends it). */
  static long number(String name, String value, long fallback, long min, long max) {
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    String rule = "must be a whole number from " + min + " to " + max;
    if (value.length() > 19 || !value.chars().allMatch(Character::isDigit)) {
      throw Problem.field(400, "Invalid parameter", name, rule);
    }
    long n = Long.parseLong(value);
    if (n < min || n > max) {
      throw Problem.field(400, "Invalid parameter", name, rule);
    }
    return n;
  }
}
