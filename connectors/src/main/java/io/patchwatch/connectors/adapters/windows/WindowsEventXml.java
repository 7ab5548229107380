package io.patchwatch.connectors.adapters.windows;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.text.SafeText;
import java.io.ByteArrayInputStream;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Parses one {@code <Event>} element as wevtutil, Get-WinEvent, Windows Event Forwarding or an EVTX
 * reader render it. Both timestamp styles are accepted ({@code 2017-07-20T08:36:22.5885810Z} and the
 * EVTX readers' {@code 2017-07-20 08:36:22.588581}, UTC). DTDs and external entities are refused:
 * an event payload is untrusted input.
 */
public final class WindowsEventXml {
    private static final XMLInputFactory FACTORY = newFactory();
    private static final java.util.regex.Pattern OFFSET_SUFFIX = java.util.regex.Pattern.compile("[+-]\\d\\d:\\d\\d$");

    private WindowsEventXml() {}

    /** @throws IllegalArgumentException with a sentence saying what is wrong */
    public static WindowsEvent parse(byte[] xml) {
        String provider = null;
        String eventId = null;
        String time = null;
        String computer = null;
        String recordId = null;
        Map<String, String> named = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        byte[] binary = new byte[0];
        boolean sawEvent = false;
        try {
            XMLStreamReader r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(xml));
            try {
                while (r.hasNext()) {
                    int next = r.next();
                    if (next == XMLStreamConstants.DTD || next == XMLStreamConstants.ENTITY_REFERENCE) {
                        // An event never has one; a DTD is how entity expansion and file inclusion start.
                        throw new IllegalArgumentException("event XML must not have a DOCTYPE or entity references");
                    }
                    if (next != XMLStreamConstants.START_ELEMENT) {
                        continue;
                    }
                    switch (r.getLocalName()) {
                        case "Event" -> sawEvent = true;
                        case "Provider" -> {
                            provider = r.getAttributeValue(null, "Name");
                            if (provider == null) {
                                provider = r.getAttributeValue(null, "EventSourceName");
                            }
                        }
                        case "EventID" -> eventId = r.getElementText().strip();
                        case "TimeCreated" -> time = r.getAttributeValue(null, "SystemTime");
                        case "Computer" -> computer = r.getElementText().strip();
                        case "EventRecordID" -> recordId = r.getElementText().strip();
                        case "Data" -> {
                            String name = r.getAttributeValue(null, "Name");
                            String value = r.getElementText();
                            if (name != null) {
                                named.put(name, value);
                            } else {
                                if (!packedStrings(value, positional)) {
                                    positional.add(value);
                                }
                            }
                        }
                        case "Binary" -> binary = decodeBinary(r.getElementText().strip());
                        default -> {}
                    }
                }
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("not well-formed event XML: " + firstLine(e.getMessage()));
        } catch (java.util.MissingResourceException e) {
            // The JDK's parser throws this instead of an XMLStreamException for some malformed
            // DOCTYPEs (it lacks the text of its own message, e.g. InvalidCharInDTD): found by fuzzing.
            throw new IllegalArgumentException("not well-formed event XML: " + SafeText.forDisplay(e.getKey(), 64));
        }
        if (!sawEvent) {
            throw new IllegalArgumentException("no <Event> element");
        }
        if (provider == null || eventId == null || time == null || computer == null || computer.isEmpty()) {
            throw new IllegalArgumentException("event XML lacks " + (provider == null ? "Provider Name"
                    : eventId == null ? "EventID" : time == null ? "TimeCreated SystemTime" : "Computer"));
        }
        int id;
        try {
            id = Integer.parseInt(eventId);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("EventID is not a number: " + SafeText.quote(eventId));
        }
        return new WindowsEvent(provider, id, parseTime(time), computer, recordId, named, positional, binary);
    }

    /** {@code 2017-07-20T08:36:22.5885810Z}, {@code 2017-07-20 08:36:22.588581} (UTC) or with an offset. */
    static long parseTime(String text) {
        try {
            return text.endsWith("Z") || OFFSET_SUFFIX.matcher(text).find()
                    ? EventTimes.parseIso(text.replace(' ', 'T'))
                    : EventTimes.parseUtcLocal(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("TimeCreated SystemTime is not a time: " + SafeText.quote(text));
        }
    }

    /** {@code <string>a</string><string>b</string>} inside one Data element, read with indexOf (linear). */
    private static boolean packedStrings(String value, List<String> positional) {
        boolean packed = false;
        int from = 0;
        while (positional.size() < 256) {
            int open = value.indexOf("<string>", from);
            if (open < 0) {
                break;
            }
            int close = value.indexOf("</string>", open + 8);
            if (close < 0) {
                break;
            }
            positional.add(value.substring(open + 8, close));
            packed = true;
            from = close + 9;
        }
        return packed;
    }

    /** EVTX readers write Binary as base64, wevtutil as hex. */
    private static byte[] decodeBinary(String text) {
        if (text.isEmpty()) {
            return new byte[0];
        }
        if (text.length() % 2 == 0 && text.matches("[0-9A-Fa-f]+")) {
            return HexFormat.of().parseHex(text);
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static XMLInputFactory newFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        return f;
    }
}
