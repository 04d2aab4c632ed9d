package dev.baton.schemas.privacy;

/**
 * What a tenant wants masked in the text customers send, on top of card numbers, which are always
 * masked (PCI DSS: a primary account number is never stored). Read from the tenant's {@code
 * privacy} section of the tenants file; see {@link Redactor} for what each kind matches.
 *
 * @param maskEmails replace email addresses in message text with {@value Redactor#EMAIL_MASK}
 * @param maskPhones replace phone numbers in message text with {@value Redactor#PHONE_MASK}
 */
public record PrivacyPolicy(boolean maskEmails, boolean maskPhones) {

  /** Cards only: emails and phone numbers in the text are kept, as before policies existed. */
  public static final PrivacyPolicy DEFAULTS = new PrivacyPolicy(false, false);

  /** Everything Baton knows how to mask. */
  public static final PrivacyPolicy STRICT = new PrivacyPolicy(true, true);
}
