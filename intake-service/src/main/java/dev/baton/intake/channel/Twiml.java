package dev.baton.intake.channel;

import dev.baton.tenant.Channels;
import java.io.StringWriter;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The TwiML documents Baton answers a call with, written by the JDK's XML writer so that whatever
 * the bot says (a customer's name, an FAQ answer) is escaped, never markup.
 *
 * <ul>
 *   <li>{@link #listen}: say the words inside a speech {@code <Gather>}. Twilio starts the gather's
 *       {@code timeout} when the speech has ended, so silence is counted from the end of the bot's
 *       words; {@code actionOnEmptyResult} makes it call back on silence too;
 *   <li>{@link #transfer}: say the words, then {@code <Enqueue>} the call to the tenant's queue or
 *       {@code <Dial>} its agents;
 *   <li>{@link #hold}: a short pause and a redirect, while a decision is still being made;
 *   <li>{@link #goodbye}: say the words and hang up.
 * </ul>
 */
public final class Twiml {
  private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();

  private Twiml() {}

  public static String listen(List<String> say, Channels.Voice voice, String action, int timeoutSeconds) {
    return document(w -> {
      w.writeStartElement("Gather");
      w.writeAttribute("input", "speech");
      w.writeAttribute("action", action);
      w.writeAttribute("method", "POST");
      w.writeAttribute("timeout", Integer.toString(timeoutSeconds));
      w.writeAttribute("speechTimeout", "auto");
      w.writeAttribute("language", voice.language());
      w.writeAttribute("actionOnEmptyResult", "true");
      for (String s : say) {
        say(w, s, voice);
      }
      w.writeEndElement();
      // Not reached while actionOnEmptyResult holds; the fallback Twilio recommends after a Gather.
      redirect(w, action);
    });
  }

  public static String transfer(List<String> say, Channels.Voice voice) {
    return document(w -> {
      for (String s : say) {
        say(w, s, voice);
      }
      if (voice.dial() != null) {
        w.writeStartElement("Dial");
        if (voice.dialsSip()) {
          w.writeStartElement("Sip");
          w.writeCharacters(voice.dial());
          w.writeEndElement();
        } else {
          w.writeCharacters(voice.dial());
        }
        w.writeEndElement();
      } else {
        w.writeStartElement("Enqueue");
        w.writeCharacters(voice.enqueue());
        w.writeEndElement();
      }
    });
  }

  public static String hold(String redirect, int pauseSeconds) {
    return document(w -> {
      w.writeEmptyElement("Pause");
      w.writeAttribute("length", Integer.toString(pauseSeconds));
      redirect(w, redirect);
    });
  }

  public static String goodbye(List<String> say, Channels.Voice voice) {
    return document(w -> {
      for (String s : say) {
        say(w, s, voice);
      }
      w.writeEmptyElement("Hangup");
    });
  }

  public static String empty() {
    return document(w -> {});
  }

  private interface Body {
    void write(XMLStreamWriter w) throws XMLStreamException;
  }

  private static void say(XMLStreamWriter w, String text, Channels.Voice voice) throws XMLStreamException {
    w.writeStartElement("Say");
    w.writeAttribute("language", voice.language());
    if (voice.voice() != null) {
      w.writeAttribute("voice", voice.voice());
    }
    // Control characters are not XML; the rest is escaped by the writer.
    String clean = WhatsAppEvents.clean(text, dev.baton.intake.service.TextRules.TEXT, 4096);
    w.writeCharacters(clean == null ? "" : clean);
    w.writeEndElement();
  }

  private static void redirect(XMLStreamWriter w, String url) throws XMLStreamException {
    w.writeStartElement("Redirect");
    w.writeAttribute("method", "POST");
    w.writeCharacters(url);
    w.writeEndElement();
  }

  private static String document(Body body) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = XML.createXMLStreamWriter(out);
      w.writeStartDocument("UTF-8", "1.0");
      w.writeStartElement("Response");
      body.write(w);
      w.writeEndElement();
      w.writeEndDocument();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write TwiML", e);
    }
    return out.toString();
  }
}
