package dev.baton.intake.channel;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Optional;

/**
 * Phone numbers in E.164 ({@code +4915112345678}), so that one person is one customer on WhatsApp,
 * SMS and a phone call. Parsing and validity come from libphonenumber (Google's metadata of every
 * numbering plan), not from a pattern of our own.
 */
public final class PhoneNumbers {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  private PhoneNumbers() {}

  /**
   * The E.164 form of {@code raw}: international ({@code +49 151 ...}, {@code 0049...}) or, as
   * WhatsApp sends them, digits with the country code and no {@code +}. Empty when it is not a
   * possible number of any country.
   */
  public static Optional<String> e164(String raw) {
    if (raw == null || raw.isBlank() || raw.length() > 64) {
      return Optional.empty();
    }
    String s = raw.strip();
    if (s.startsWith("00")) {
      s = "+" + s.substring(2);
    } else if (!s.startsWith("+")) {
      s = "+" + s;
    }
    try {
      PhoneNumber number = UTIL.parse(s, "ZZ");
      return UTIL.isPossibleNumber(number)
          ? Optional.of(UTIL.format(number, PhoneNumberFormat.E164))
          : Optional.empty();
    } catch (NumberParseException e) {
      return Optional.empty();
    }
  }
}
