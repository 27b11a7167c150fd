package dev.ooda.data.storage;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.data.http.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;
import org.jooq.DataType;
import org.jooq.JSON;
import org.jooq.JSONB;
import org.jooq.impl.SQLDataType;

/**
 * What a column holds, as the API sees it: how a value is read from JSON or a query string,
 * bound to a statement, and written back as JSON. Derived from the database's own metadata.
 */
public enum ColumnType {
  STRING, INT, BIGINT, DOUBLE, DECIMAL, BOOLEAN, TIMESTAMP, TIMESTAMPTZ, DATE, BYTES, JSON, UUID,
  /** A type the service reads as text and does not write (arrays, enums, geometry...). */
  OTHER;

  /** Thrown with a message that completes "column 'x' ...". */
  public static final class BadValue extends RuntimeException {
    BadValue(String message) {
      super(message, null, false, false);
    }
  }

  /** The jOOQ type that binds and reads values of a column of this type. */
  DataType<?> dataType(Backend backend, String dbType) {
    String t = dbType.toLowerCase(Locale.ROOT);
    boolean pg = backend == Backend.POSTGRES;
    return switch (this) {
      case STRING, OTHER -> SQLDataType.VARCHAR;
      case INT -> SQLDataType.INTEGER;
      case BIGINT -> SQLDataType.BIGINT;
      case DOUBLE -> SQLDataType.DOUBLE;
      case DECIMAL -> SQLDataType.DECIMAL;
      case BOOLEAN -> SQLDataType.BOOLEAN;
      case TIMESTAMP -> SQLDataType.LOCALDATETIME;
      case TIMESTAMPTZ -> SQLDataType.OFFSETDATETIME;
      case DATE -> SQLDataType.LOCALDATE;
      case BYTES -> SQLDataType.VARBINARY;
      case JSON -> !pg ? SQLDataType.VARCHAR : t.equals("jsonb") ? SQLDataType.JSONB : SQLDataType.JSON;
      case UUID -> SQLDataType.UUID;
    };
  }

  static ColumnType of(Backend backend, int jdbcType, String typeName) {
    String t = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT).trim();
    if (t.equals("json") || t.equals("jsonb")) return JSON;
    if (t.equals("uuid")) return UUID;
    if (t.startsWith("bool")) return BOOLEAN;
    if (t.equals("timestamptz") || t.contains("with time zone")) return TIMESTAMPTZ;
    if (backend == Backend.SQLITE) return sqliteAffinity(t);
    return switch (jdbcType) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> INT;
      case Types.BIGINT -> BIGINT;
      case Types.REAL, Types.FLOAT, Types.DOUBLE -> DOUBLE;
      case Types.NUMERIC, Types.DECIMAL -> DECIMAL;
      case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB -> STRING;
      case Types.BOOLEAN, Types.BIT -> BOOLEAN;
      case Types.TIMESTAMP -> TIMESTAMP;
      case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMPTZ;
      case Types.DATE -> DATE;
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BYTES;
      default -> OTHER;
    };
  }

  /** SQLite keeps the declared type name; read it the way SQLite's own affinity rules do. */
  private static ColumnType sqliteAffinity(String t) {
    if (t.equals("int") || t.equals("smallint") || t.equals("tinyint") || t.equals("mediumint")) return INT;
    if (t.contains("int")) return BIGINT;
    if (t.contains("char") || t.contains("clob") || t.contains("text")) return STRING;
    if (t.isEmpty() || t.contains("blob")) return BYTES;
    if (t.contains("real") || t.contains("floa") || t.contains("doub")) return DOUBLE;
    if (t.startsWith("decimal") || t.startsWith("numeric")) return DECIMAL;
    if (t.startsWith("timestamp") || t.startsWith("datetime")) return TIMESTAMP;
    if (t.equals("date")) return DATE;
    return OTHER;
  }

  /** A value from a JSON body; JSON null is SQL NULL. */
  public Object fromJson(JsonNode n) {
    if (n == null || n.isNull()) return null;
    switch (this) {
      case STRING -> {
        if (!n.isTextual()) throw new BadValue("takes a string, got " + kind(n));
        return n.textValue();
      }
      case INT -> {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) throw new BadValue("takes a whole number within 32 bits, got " + kind(n));
        return n.intValue();
      }
      case BIGINT -> {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) throw new BadValue("takes a whole number within 64 bits, got " + kind(n));
        return n.longValue();
      }
      case DOUBLE -> {
        if (!n.isNumber()) throw new BadValue("takes a number, got " + kind(n));
        return n.doubleValue();
      }
      case DECIMAL -> {
        if (n.isNumber()) return n.decimalValue();
        if (n.isTextual()) return fromText(n.textValue());
        throw new BadValue("takes a decimal number, got " + kind(n));
      }
      case BOOLEAN -> {
        if (!n.isBoolean()) throw new BadValue("takes true or false, got " + kind(n));
        return n.booleanValue();
      }
      case JSON -> {
        return jsonText(n);
      }
      default -> {
        if (!n.isTextual()) throw new BadValue("takes " + describe() + ", got " + kind(n));
        return fromText(n.textValue());
      }
    }
  }

  /** A value from a query string or a path. */
  Object fromText(String s) {
    if (s == null) return null;
    try {
      return switch (this) {
        case STRING -> s;
        case INT -> Integer.parseInt(s);
        case BIGINT -> Long.parseLong(s);
        case DOUBLE -> Double.parseDouble(s);
        case DECIMAL -> new BigDecimal(s);
        case BOOLEAN -> switch (s) {
          case "true" -> Boolean.TRUE;
          case "false" -> Boolean.FALSE;
          default -> throw new BadValue("takes true or false, got '" + s + "'");
        };
        case TIMESTAMP -> timestamp(s);
        case TIMESTAMPTZ -> timestampTz(s);
        case DATE -> LocalDate.parse(s);
        case BYTES -> Base64.getDecoder().decode(s);
        case JSON -> jsonText(Json.parse(s));
        case UUID -> java.util.UUID.fromString(s);
        case OTHER -> throw new BadValue("has a database type the data service does not write");
      };
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new BadValue("takes " + describe() + ", got '" + abbreviate(s) + "'");
    } catch (IllegalArgumentException e) {
      throw new BadValue("takes " + describe() + ", got '" + abbreviate(s) + "'");
    } catch (dev.ooda.model.ProblemException e) {
      throw new BadValue("takes JSON, got '" + abbreviate(s) + "'");
    }
  }

  /** The value to bind: JSON text becomes jOOQ's JSON types where the column has them. */
  Object bindable(Object v, DataType<?> t) {
    if (v instanceof String s && this == JSON) {
      if (t.getType() == JSONB.class) return JSONB.valueOf(s);
      if (t.getType() == org.jooq.JSON.class) return org.jooq.JSON.valueOf(s);
    }
    return v;
  }

  /** Writes a value read from the database. */
  public void write(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
      return;
    }
    switch (this) {
      case INT, BIGINT -> g.writeNumber(((Number) v).longValue());
      case DOUBLE -> g.writeNumber(((Number) v).doubleValue());
      case DECIMAL -> g.writeNumber(v instanceof BigDecimal b ? b : new BigDecimal(v.toString()));
      case BOOLEAN -> g.writeBoolean((Boolean) v);
      case TIMESTAMP -> g.writeString(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format((LocalDateTime) v));
      case TIMESTAMPTZ -> g.writeString(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format((OffsetDateTime) v));
      case BYTES -> g.writeString(Base64.getEncoder().encodeToString((byte[]) v));
      case JSON -> {
        String text = v instanceof JSONB j ? j.data() : v instanceof org.jooq.JSON j ? j.data() : v.toString();
        Json.writeRaw(g, text.getBytes(StandardCharsets.UTF_8));
      }
      default -> g.writeString(v.toString());
    }
  }

  /** Size of a value as the value limit counts it. */
  public static int sizeOf(Object v) {
    if (v == null) return 0;
    if (v instanceof byte[] b) return b.length;
    if (v instanceof String s) return s.length() < 1 << 16 ? utf8Length(s) : s.getBytes(StandardCharsets.UTF_8).length;
    return 16;
  }

  String describe() {
    return switch (this) {
      case STRING -> "a string";
      case INT -> "a whole number within 32 bits";
      case BIGINT -> "a whole number within 64 bits";
      case DOUBLE -> "a number";
      case DECIMAL -> "a decimal number";
      case BOOLEAN -> "true or false";
      case TIMESTAMP -> "a timestamp like 2024-05-01T10:15:30";
      case TIMESTAMPTZ -> "a timestamp with offset like 2024-05-01T10:15:30Z";
      case DATE -> "a date like 2024-05-01";
      case BYTES -> "base64 bytes";
      case JSON -> "JSON";
      case UUID -> "a UUID";
      case OTHER -> "nothing writable";
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  private static String jsonText(JsonNode n) {
    return new String(Json.bytes(n), StandardCharsets.UTF_8);
  }

  /** Local date-times are UTC; an offset given with one is converted to UTC. */
  private static LocalDateTime timestamp(String s) {
    String t = s.replace(' ', 'T');
    try {
      return LocalDateTime.parse(t);
    } catch (DateTimeParseException e) {
      return OffsetDateTime.parse(t).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }
  }

  private static OffsetDateTime timestampTz(String s) {
    String t = s.replace(' ', 'T');
    try {
      return OffsetDateTime.parse(t);
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(t).atOffset(ZoneOffset.UTC);
    }
  }

  private static String kind(JsonNode n) {
    if (n.isTextual()) return "the string '" + abbreviate(n.textValue()) + "'";
    if (n.isNumber()) return "the number " + abbreviate(n.asText());
    if (n.isBoolean()) return n.asText();
    if (n.isArray()) return "a list";
    if (n.isObject()) return "an object";
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  public static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) n++;
      else if (c < 0x800) n += 2;
      else if (Character.isHighSurrogate(c)) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }
}
