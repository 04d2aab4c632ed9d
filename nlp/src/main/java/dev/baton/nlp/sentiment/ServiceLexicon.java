package dev.baton.nlp.sentiment;

import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hand-written cues for customer-service language, used two ways: as features the sentiment and
 * emotion models learn weights for ({@code lex=FAILURE}, ...), and by the rules in
 * {@link TrainedSentimentAnalyzer} (sarcasm, negated praise, service failures). They match the
 * sentiment tokens ({@code TextNormalizer.sentimentTokens}) joined by single spaces; nlp/README.md
 * lists them.
 */
public final class ServiceLexicon {

  /** What a cue says about the message. */
  public enum Cue {
    /** A service failure stated as a fact: late, lost, never arrived, no reply, charged twice. */
    FAILURE,
    /** Waiting, repetition, time passing: "still waiting", "third time", "2 weeks". */
    WAITING,
    /** Praise or positive words. */
    POSITIVE,
    /** Praise under negation: "not happy", "not helpful at all". */
    NEGATED_POSITIVE,
    /** A negated complaint: "not bad", "no issues", "can't fault it", "couldn't be happier". */
    NEGATED_NEGATIVE,
    /** Sarcastic phrasing: "thanks for nothing", "yeah right", or "oh great" next to a failure. */
    SARCASM,
    /** Anger and insult words, shouting. */
    ANGER,
    /** Not understanding. */
    CONFUSION,
    /** Disappointment and sadness. */
    SADNESS,
    /** Relief: "finally", "phew", "what a relief". */
    RELIEF,
    /** Thanks. */
    GRATITUDE
  }

  private static final String NEG = "(?:not|no|never|nothing|nobody|hardly|dont|cant|wont|didnt|isnt|doesnt|wasnt|havent|hasnt|aint)";
  private static final String POS_WORDS =
      "(?:happy|glad|good|great|nice|pleased|satisfied|helpful|impressed|amazing|excellent|perfect|"
          + "fantastic|wonderful|brilliant|awesome|love|loved|lovely|ok|okay|fine|fair|acceptable|"
          + "professional|quick|fast|easy|useful|resolved|sorted|fixed|working|works|worth|best|"
          + "super|superb|appreciated|recommend|reliable|smooth|friendly)";

  private static final Pattern FAILURE =
      Pattern.compile(
          "\\b(?:late|later than|delayed|delay|delays|lost|losing|missing|damaged|broken|smashed|"
              + "crushed|wrong (?:item|order|size|colou?r|address|product|parcel|package)|"
              + "cancell?ed|overcharged|charged (?:me )?twice|double charged|charged (?:me )?again|"
              + "stolen|stuck|faulty|defective|leaking|not as described|"
              + "(?:has|have|had|is|was|were|did|does|do) not (?:arrived|come|came|turned up|shown up|"
              + "been (?:delivered|refunded|processed|sorted|fixed|resolved)|arrive|work|load|help|"
              + "show up|turn up|reply|respond|answer|call|get back|receive|received|open|charge)|"
              + "never (?:arrived|came|received|got|showed|turned|delivered|replied|responded|"
              + "answered|called|heard)|"
              + "not (?:working|delivered|received|refunded|resolved|fixed|sorted|answered|"
              + "what i ordered|even)|"
              + "no (?:reply|response|answer|one|refund|update|updates|show|sign|tracking|help|news|"
              + "call back|email|way)|"
              + "(?:nobody|no one|noone) (?:has|have|is|will|replied|answered|called|got|came|"
              + "showed|bothered|cares|responded|helped)|"
              + "(?:hung up|on hold|cut off|left on read|ignored|ignoring|ghosted|fobbed off|"
              + "passed around|run around|runaround)|"
              + "(?:keep|keeps|kept) (?:getting|telling|saying|cancelling|failing|crashing|charging|"
              + "asking|sending)|"
              + "(?:hopeless|cancell?ing|canceling|timing out|for nothing|enough is enough|hold music|"
              + "(?:keep|keeps|kept) (?:dropping|freezing|disconnecting|logging me out|buffering|breaking|"
              + "going down|cutting out)|(?:will|would|does|did) not let me|so (?:difficult|hard|complicated)|"
              + "(?:is|was|has been|have been|went|are|were|keeps going) down|"
              + "last time i (?:use|order|buy|shop|fly|book)|"
              + "closed (?:the|my) (?:chat|conversation|ticket|case|complaint)|"
              + "rip ?off|ripoff|scam|scammed|fraud|useless|worst|joke|unacceptable|ridiculous|"
              + "disgrace|disgraceful|shocking|pathetic|incompetent|appalling|terrible|awful|horrible|"
              + "rubbish|garbage|unprofessional|rude|shambles|nightmare|lied|lying|liars|fed up|"
              + "sick of|had enough|waste of)|"
              + "where (?:the hell|on earth) is my|"
              + "(?:refund|money) (?:back )?(?:yet|still)|still (?:no|not|nothing|have not|has not|"
              + "had no|waiting|broken|missing|charged|there|the same|down|failing))\\b");

  private static final Pattern WAITING =
      Pattern.compile(
          "\\b(?:still|again|yet again|(?:second|third|fourth|fifth|#num) time|every time|"
              + "(?:waiting|waited|wait) (?:for|since|over|#num|a|an|all|forever|ages|weeks|days|hours)|"
              + "#num (?:days?|weeks?|hours?|months?|minutes?|mins?|times|calls|emails)|"
              + "since (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last|#num|"
              + "this morning|early|the start)|another (?:delay|email|excuse|call|week|day|month)|"
              + "(?:days|weeks|months|hours|ages) (?:ago|later|now|and)|for weeks|for days|for ages|"
              + "so far|by now|how long|how many times)\\b");

  private static final Pattern POSITIVE = Pattern.compile("\\b" + POS_WORDS + "\\b");
  private static final Pattern NEGATED_POSITIVE =
      Pattern.compile(
          "\\b(?:" + NEG + "(?: \\w+)?(?: \\w+)? " + POS_WORDS + "|" + "far from " + POS_WORDS
              + "|" + "less than " + POS_WORDS + ")\\b");
  /** Sarcasm that needs no context: "thanks for nothing", "yeah right". */
  private static final Pattern SARCASM =
      Pattern.compile(
          "\\b(?:thanks? (?:a lot |so much )?for nothing|yeah right|said no one|slow clap|"
              + "sure you (?:will|are|did)|(?:so|very|really) helpful (?:not|as always)|"
              + "(?:thanks?|thank you|cheers) (?:so much |a lot |very much )?for (?:losing|ruining|wasting|"
              + "cancell?ing|breaking|ignoring|delaying|the delay|making me wait|hanging up|overcharging|"
              + "charging me twice|nothing|the runaround)|i love being (?:lied|ignored|kept|put|left)|"
              + "^(?:great|brilliant|wonderful|fantastic|perfect|lovely|super|oh good) (?:another|more|again)|"
              + "(?:thanks?|thank you|helpful|great|brilliant|good job|well done)(?: \\w+){0,4} not$)\\b");
  /** Praise that is sarcastic only next to a failure or waiting: "great, another delay". */
  private static final Pattern WEAK_SARCASM =
      Pattern.compile(
          "\\b(?:oh (?:great|wonderful|brilliant|perfect|fantastic|joy|lovely|good|nice)|just (?:great|"
              + "perfect|brilliant|wonderful|fantastic|lovely)|(?:great|nice|good|fantastic|brilliant|"
              + "amazing|stellar|wonderful|excellent) (?:job|work|service|stuff|going)|(?:love|loving|"
              + "enjoy|enjoying) (?:how|that|being|waiting|paying|getting|the|it when|spending|having)|"
              + "what a (?:great|wonderful|fantastic|brilliant|lovely) |perfect timing|bravo|well done|"
              + "nice (?:of you|one)|^(?:great|brilliant|wonderful|fantastic|perfect|amazing|lovely|"
              + "super|wow|cheers)\\b|amazing how)");
  private static final Pattern NEGATED_NEGATIVE =
      Pattern.compile(
          "\\b(?:not (?:bad|too bad|a problem|an issue)|no (?:issues?|problems?|complaints?|worries|"
              + "trouble|hassle)|can not (?:complain|fault)|could not be (?:happier|better)|"
              + "never had (?:a|any) (?:problem|issue)s?)\\b");
  private static final Pattern ANGER =
      Pattern.compile(
          "(?:\\b(?:angry|furious|livid|fuming|outraged|outrageous|unacceptable|ridiculous|"
              + "disgusting|disgraceful|pathetic|fed up|sick of|sick and tired|pissed|wtf|damn|"
              + "bloody|crap|shit|hell|idiots?|morons?|useless|incompetent|joke|scam|rip ?off|"
              + "hate|worst|lawyer|sue|trading standards|ombudsman|rude|liars?|furious)\\b"
              + "|hopeless|enough is enough|#caps.*#caps|! !)");
  private static final Pattern CONFUSION =
      Pattern.compile(
          "\\b(?:confused|confusing|confuses|(?:do|did|does) not (?:understand|get it|get how|"
              + "know (?:how|what|why|where|if))|makes no sense|(?:not|no) sure|unclear|puzzled|"
              + "baffled|what does (?:this|that|it) mean|what do you mean|how (?:do|can|am) i (?:supposed|"
              + "meant)|why (?:is|does|did|was|am|are|would|has)|which one|lost as to|no idea|"
              + "can not (?:work out|figure|find|see)|huh|what \\?)\\b");
  private static final Pattern SADNESS =
      Pattern.compile(
          "\\b(?:sad|disappointed|disappointing|disappointment|upset|heartbroken|gutted|let down|"
              + "devastated|unhappy|depressed|miserable|crying|cried|ruined|shame|pity|"
              + "sorry to (?:say|hear)|was looking forward|special (?:day|occasion)|birthday|funeral)\\b");
  private static final Pattern RELIEF =
      Pattern.compile(
          "\\b(?:relieved|relief|phew|thank god|thank goodness|thankfully|weight off|"
              + "no longer (?:worried|need)|panic over|all sorted|that is sorted|"
              + "(?:finally|at last)(?: \\w+){0,3} (?:arrived|came|got|sorted|resolved|fixed|refunded|"
              + "turned up|received|here|working|through|back)|"
              + "(?:arrived|came|got it|sorted|resolved|fixed|refunded|turned up|received|here|working|through) "
              + "(?:\\w+ ){0,2}(?:finally|at last))\\b");
  private static final Pattern GRATITUDE =
      Pattern.compile(
          "\\b(?:thank|thanks|thankyou|thx|ty|cheers|grateful|appreciate|appreciated|"
              + "appreciation|much obliged)\\b");

  private ServiceLexicon() {}

  /** The cues present in a message given as sentiment tokens. */
  public static Set<Cue> cues(String[] tokens) {
    return cues(String.join(" ", tokens));
  }

  /** The cues present in sentiment tokens joined by single spaces. */
  public static Set<Cue> cues(String joined) {
    Set<Cue> c = EnumSet.noneOf(Cue.class);
    if (FAILURE.matcher(joined).find()) {
      c.add(Cue.FAILURE);
    }
    if (WAITING.matcher(joined).find()) {
      c.add(Cue.WAITING);
    }
    boolean negatedPositive = NEGATED_POSITIVE.matcher(joined).find();
    if (negatedPositive) {
      c.add(Cue.NEGATED_POSITIVE);
    }
    if (POSITIVE.matcher(joined).find()) {
      c.add(Cue.POSITIVE);
    }
    if (SARCASM.matcher(joined).find()
        || (WEAK_SARCASM.matcher(joined).find() && (c.contains(Cue.FAILURE) || c.contains(Cue.WAITING)))) {
      c.add(Cue.SARCASM);
    }
    if (NEGATED_NEGATIVE.matcher(joined).find()) {
      c.add(Cue.NEGATED_NEGATIVE);
    }
    if (ANGER.matcher(joined).find()) {
      c.add(Cue.ANGER);
    }
    if (CONFUSION.matcher(joined).find()) {
      c.add(Cue.CONFUSION);
    }
    if (SADNESS.matcher(joined).find()) {
      c.add(Cue.SADNESS);
    }
    if (RELIEF.matcher(joined).find()) {
      c.add(Cue.RELIEF);
    }
    if (GRATITUDE.matcher(joined).find()) {
      c.add(Cue.GRATITUDE);
    }
    return c;
  }
}
