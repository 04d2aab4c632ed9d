package dev.baton.nlp.complaint;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cues of the complaint detector beyond {@code ServiceLexicon}'s (which the sentiment model was
 * trained with and which therefore stay as they are): repeated contact, and the praise words
 * that sarcasm wraps around a complaint. They match sentiment tokens joined by single spaces.
 */
final class ComplaintCues {
  /** The customer says they have asked before: "third time I'm asking", "emailed you twice". */
  private static final Pattern REPEATED_CONTACT =
      Pattern.compile(
          "\\b(?:(?:second|third|fourth|fifth|sixth|#num(?:st|nd|rd|th)?) (?:time|email|message|call|"
              + "chat|attempt|request|letter|tweet)|(?:emailed|e mailed|called|phoned|rang|written|wrote|"
              + "messaged|asked|chased|contacted|complained|told|tweeted|reported|explained)(?: \\w+){0,5} "
              + "(?:twice|three times|four times|#num times|several times|multiple times|many times|"
              + "countless times|again|already|before|repeatedly|every day)|(?:chasing|chased) (?:this|you|"
              + "it|up|for)|keep (?:asking|chasing|calling|emailing|writing)|(?:how many times|yet again|"
              + "once again|still waiting|still no|still not|still have not|still has not|still nothing|"
              + "no one has (?:replied|answered|got back)|nobody has (?:replied|answered|got back)|"
              + "getting nowhere|going round in circles|round in circles))\\b");

  /**
   * Praise, thanks and the intensifiers around them: what is left when they are taken out of
   * "thanks for sending me a size 8 when I ordered a 12, very useful" is the complaint itself.
   */
  private static final Pattern PRAISE =
      Pattern.compile(
          "^(?:thanks?|thank|thankyou|thx|ty|cheers|you|so|very|really|much|a|lot|oh|wow|just|yeah|"
              + "great|nice|good|lovely|brilliant|wonderful|fantastic|amazing|awesome|excellent|perfect|"
              + "superb|super|helpful|useful|impressive|impressed|love|loving|loved|enjoy|enjoying|happy|"
              + "glad|pleased|well|done|job|work|service|stuff|as|always|bravo|stellar|joy|fab|cool|"
              + "for|!)$");

  private ComplaintCues() {}

  static boolean repeatedContact(String joined) {
    return REPEATED_CONTACT.matcher(joined).find();
  }

  /**
   * The tokens without the praise that opens or closes them ("great, another ...", "... very
   * useful", "... cheers"); the same array when there is none.
   */
  static String[] withoutEdgePraise(String[] tokens) {
    int from = 0;
    while (from < tokens.length && PRAISE.matcher(tokens[from]).matches()) {
      from++;
    }
    int to = tokens.length;
    while (to > from && PRAISE.matcher(tokens[to - 1]).matches()) {
      to--;
    }
    return from == 0 && to == tokens.length ? tokens : java.util.Arrays.copyOfRange(tokens, from, to);
  }
}
