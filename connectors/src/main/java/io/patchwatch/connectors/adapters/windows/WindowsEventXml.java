package io.patchwatch.connectors.adapters.windows;

import io.patchwatch.connectors.adapters.EventTimes;
import java.io.ByteArrayInputStream;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern PACKED_STRING = Pattern.compile("<string>(.*?)</string>", Pattern.DOTALL);
    private static final XMLInputFactory FACTORY = newFactory();

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
                    if (r.next() != XMLStreamConstants.START_ELEMENT) {
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
                                Matcher m = PACKED_STRING.matcher(value);
                                boolean packed = false;
                                while (m.find()) {
                                    positional.add(m.group(1));
                                    packed = true;
                                }
                                if (!packed) {
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
            throw new IllegalArgumentException("EventID is not a number: '" + eventId + "'");
        }
        return new WindowsEvent(provider, id, parseTime(time), computer, recordId, named, positional, binary);
    }

    /** {@code 2017-07-20T08:36:22.5885810Z}, {@code 2017-07-20 08:36:22.588581} (UTC) or with an offset. */
    static long parseTime(String text) {
        try {
            return text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")
                    ? EventTimes.parseIso(text.replace(' ', 'T'))
                    : EventTimes.parseUtcLocal(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("TimeCreated SystemTime is not a time: '" + text + "'");
        }
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
        return f;
    }
}
