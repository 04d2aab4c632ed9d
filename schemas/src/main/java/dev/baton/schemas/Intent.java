package dev.baton.schemas;

/**
 * The intent recognised in one customer message.
 *
 * @param label intent name, e.g. {@code track_order} or {@code contact_human_agent}
 * @param confidence calibrated probability in [0, 1] that the label is right
 * @param skill the agent skill or queue this intent needs, from the tenant's map
 * @param model name and version of the model that produced it
 */
public record Intent(String label, double confidence, String skill, String model) {
  public static final String CONTACT_HUMAN_AGENT = "contact_human_agent";
  public static final String OUT_OF_SCOPE = "oos";
}
