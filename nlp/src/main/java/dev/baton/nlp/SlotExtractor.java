package dev.baton.nlp;

import dev.baton.schemas.Slot;
import dev.baton.schemas.Slot.SlotType;
import dev.baton.schemas.privacy.Redactor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pulls the data an agent will want out of free text: order numbers, dates, times, emails, phones.
 * A card number is never a slot: card numbers are masked first (the intake has masked them
 * already; this covers text from anywhere else), so none of its digits can be read as a phone or
 * an order number.
 */
public final class SlotExtractor {
  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
  // Order numbers: a letter prefix with digits (ORD-12345, #A1234567) ...
  private static final Pattern ORDER =
      Pattern.compile("(?i)(?<![\\w@.-])#?[A-Z]{1,5}-?\\d{4,12}\\b");
  // ... or a code after "order", "tracking", "reference", "booking", "invoice", "parcel"
  // ("order number is 88812345", "tracking no: JD0146000038").
  private static final Pattern ORDER_AFTER_KEYWORD =
      Pattern.compile(
          "(?i)\\b(?:order|tracking|reference|ref|booking|invoice|parcel|consignment)"
              + "(?:\\s*(?:number|no\\.?|num|#|id|code))?(?:\\s*(?:is|was|:))?\\s*#?\\s*"
              + "(?=[A-Z-]*\\d)([A-Z0-9][A-Z0-9-]{4,24})\\b");
  private static final Pattern PHONE = Pattern.compile("(?<![\\w-])\\+?\\d[\\d ()-]{7,16}\\d(?![\\w-])");
  private static final Pattern DATE =
      Pattern.compile(
          "(?i)\\b(?:\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2}(?:/\\d{2,4})?"
              + "|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
              + "|(?:today|tomorrow|yesterday)"
              + "|(?:next\\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\\b");
  private static final Pattern TIME =
      Pattern.compile("(?i)\\b(?:[01]?\\d|2[0-3])(?::[0-5]\\d)?\\s?(?:am|pm)\\b|\\b(?:[01]?\\d|2[0-3]):[0-5]\\d\\b");

  public List<Slot> extract(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    Set<Slot> slots = new LinkedHashSet<>();
    String rest = collect(EMAIL, Redactor.maskCardNumbers(text), SlotType.EMAIL, slots);
    rest = collect(ORDER, rest, SlotType.ORDER_NUMBER, slots);
    rest = collectGroup(ORDER_AFTER_KEYWORD, rest, SlotType.ORDER_NUMBER, slots);
    rest = collect(DATE, rest, SlotType.DATE, slots);
    rest = collect(TIME, rest, SlotType.TIME, slots);
    collect(PHONE, rest, SlotType.PHONE, slots);
    return new ArrayList<>(slots);
  }

  /** As {@link #collect}, for the first group of the pattern. */
  private static String collectGroup(Pattern p, String text, SlotType type, Set<Slot> into) {
    Matcher m = p.matcher(text);
    StringBuilder rest = new StringBuilder(text);
    while (m.find()) {
      into.add(new Slot(type, m.group(1)));
      for (int i = m.start(1); i < m.end(1); i++) {
        rest.setCharAt(i, ' ');
      }
    }
    return rest.toString();
  }

  /** Adds every match and blanks it out so that one span is never read as two kinds. */
  private static String collect(Pattern p, String text, SlotType type, Set<Slot> into) {
    Matcher m = p.matcher(text);
    StringBuilder rest = new StringBuilder();
    while (m.find()) {
      String value = m.group().trim();
      if (type == SlotType.ORDER_NUMBER && value.startsWith("#")) {
        value = value.substring(1);
      }
      if (type == SlotType.PHONE) {
        value = value.replaceAll("[ ()-]", "");
      }
      into.add(new Slot(type, value));
      m.appendReplacement(rest, " ".repeat(m.group().length()));
    }
    m.appendTail(rest);
    return rest.toString();
  }
}
