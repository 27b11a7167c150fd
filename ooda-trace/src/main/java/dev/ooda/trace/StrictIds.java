package dev.ooda.trace;

import java.nio.charset.StandardCharsets;

/**
 * Refuses ids of the wrong length in an encoded span list. zipkin2's decoders left-pad short ids
 * with zeros, so a 15-digit trace id silently becomes another trace; the Zipkin v2 API defines
 * trace ids as 16 or 32 hex digits and span ids as 16, so the raw message is checked here.
 * The JSON check also refuses JSON v1 spans, as Zipkin's collector does on its v2 endpoint.
 * Both checks run after the message decoded, so they may assume it is well formed.
 */
final class StrictIds {
  private StrictIds() {}

  /** Returns what is wrong, or null when every id has its proper length. */
  static String checkJson(byte[] json) {
    int depth = 0;
    boolean expectKey = false;
    int key = NONE; // the id whose value comes next, at span level
    int spanIndex = -1;
    for (int i = 0, n = json.length; i < n; i++) {
      byte c = json[i];
      switch (c) {
        case '"' -> {
          int start = i + 1;
          int end = start;
          boolean escaped = false;
          while (end < n && json[end] != '"') {
            if (json[end] == '\\') {
              escaped = true;
              end++;
            }
            end++;
          }
          i = end;
          if (depth != 2) continue;
          if (expectKey) {
            key = escaped ? idKey(unescape(json, start, end)) : idKey(json, start, end);
            if (key == V1_FIELD) {
              return "span " + spanIndex + ": binaryAnnotations is a JSON v1 field; expected a JSON_V2 encoded list";
            }
            expectKey = false;
          } else if (key != NONE) {
            String problem = checkLength(key, escaped ? -1 : end - start, spanIndex);
            if (problem != null) return problem;
            key = NONE;
          }
        }
        case '{', '[' -> {
          depth++;
          if (depth == 2) {
            expectKey = true;
            spanIndex++;
          }
        }
        case '}', ']' -> depth--;
        case ',' -> {
          if (depth == 2) {
            expectKey = true;
            key = NONE;
          }
        }
        default -> { }
      }
    }
    return null;
  }

  /** Returns what is wrong, or null when every id has its proper length. */
  static String checkProto3(byte[] proto) {
    int[] pos = {0};
    int spanIndex = -1;
    while (pos[0] < proto.length) {
      int tag = (int) varint(proto, pos);
      if (tag == ((1 << 3) | 2)) {
        int length = (int) varint(proto, pos);
        spanIndex++;
        String problem = checkProto3Span(proto, pos[0], pos[0] + length, spanIndex);
        if (problem != null) return problem;
        pos[0] += length;
      } else {
        skip(proto, pos, tag & 7);
      }
    }
    return null;
  }

  private static String checkProto3Span(byte[] proto, int start, int end, int spanIndex) {
    int[] pos = {start};
    while (pos[0] < end) {
      int tag = (int) varint(proto, pos);
      int field = tag >>> 3;
      if ((tag & 7) == 2 && field >= 1 && field <= 3) {
        int length = (int) varint(proto, pos);
        // a hex id is two digits per byte; an empty parent id means none
        int key = field == 1 ? TRACE_ID : field == 2 ? PARENT_ID : ID;
        String problem = checkLength(key, length * 2, spanIndex);
        if (problem != null) return problem;
        pos[0] += length;
      } else {
        skip(proto, pos, tag & 7);
      }
    }
    return null;
  }

  private static final int NONE = 0, TRACE_ID = 1, ID = 2, PARENT_ID = 3, V1_FIELD = 4;

  private static int idKey(String name) {
    return switch (name) {
      case "traceId" -> TRACE_ID;
      case "id" -> ID;
      case "parentId" -> PARENT_ID;
      case "binaryAnnotations" -> V1_FIELD;
      default -> NONE;
    };
  }

  /** The same without copying the key, for the usual key without escapes. */
  private static int idKey(byte[] json, int start, int end) {
    return switch (end - start) {
      case 2 -> json[start] == 'i' && json[start + 1] == 'd' ? ID : NONE;
      case 7 -> matches(json, start, "traceId") ? TRACE_ID : NONE;
      case 8 -> matches(json, start, "parentId") ? PARENT_ID : NONE;
      case 17 -> matches(json, start, "binaryAnnotations") ? V1_FIELD : NONE;
      default -> NONE;
    };
  }

  private static boolean matches(byte[] json, int start, String name) {
    for (int i = 0; i < name.length(); i++) {
      if (json[start + i] != name.charAt(i)) return false;
    }
    return true;
  }

  /** A key written with escapes, e.g. {@code "trace\u0049d"}, still names its field. */
  private static String unescape(byte[] json, int start, int end) {
    StringBuilder b = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = (char) (json[i] & 0xff);
      if (c != '\\' || i + 1 >= end) {
        b.append(c);
        continue;
      }
      char e = (char) json[++i];
      if (e == 'u' && i + 4 < end) {
        b.append((char) Integer.parseInt(new String(json, i + 1, 4, StandardCharsets.ISO_8859_1), 16));
        i += 4;
      } else {
        b.append(e);
      }
    }
    return b.toString();
  }

  /** length -1 means the value held escapes, which no hex id needs. */
  private static String checkLength(int key, int length, int spanIndex) {
    return switch (key) {
      case TRACE_ID -> length == 16 || length == 32 ? null
          : "span " + spanIndex + ": traceId must be 16 or 32 hex characters, not " + describe(length);
      case ID -> length == 16 ? null
          : "span " + spanIndex + ": id must be 16 hex characters, not " + describe(length);
      case PARENT_ID -> length == 16 || length == 0 ? null
          : "span " + spanIndex + ": parentId must be 16 hex characters, not " + describe(length);
      default -> null;
    };
  }

  private static String describe(int length) {
    return length < 0 ? "an escaped string" : String.valueOf(length);
  }

  private static long varint(byte[] b, int[] pos) {
    long result = 0;
    for (int shift = 0; shift < 64 && pos[0] < b.length; shift += 7) {
      byte next = b[pos[0]++];
      result |= (long) (next & 0x7f) << shift;
      if (next >= 0) return result;
    }
    return result;
  }

  private static void skip(byte[] b, int[] pos, int wireType) {
    switch (wireType) {
      case 0 -> varint(b, pos);
      case 1 -> pos[0] += 8;
      case 2 -> {
        int length = (int) varint(b, pos);
        pos[0] += length;
      }
      case 5 -> pos[0] += 4;
      default -> pos[0] = b.length; // groups are not in the zipkin proto; stop scanning
    }
  }
}
