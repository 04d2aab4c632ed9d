package dev.baton.schemas;

/** What is known about the customer; every field but {@code id} may be null. */
public record Customer(String id, String name, String phone, String email) {

  public static Customer anonymous(String id) {
    return new Customer(id, null, null, null);
  }

  /** Fills the gaps of this customer with what {@code newer} knows. */
  public Customer mergedWith(Customer newer) {
    if (newer == null) {
      return this;
    }
    return new Customer(
        firstNonNull(newer.id, id),
        firstNonNull(newer.name, name),
        firstNonNull(newer.phone, phone),
        firstNonNull(newer.email, email));
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
