package dev.baton.tenant;

import java.util.List;

/** The tenants file is unreadable or invalid; the message lists every problem with its path. */
public class TenantConfigException extends RuntimeException {
  private final List<String> problems;

  public TenantConfigException(String source, List<String> problems) {
    super("invalid tenants file " + source + ":\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
