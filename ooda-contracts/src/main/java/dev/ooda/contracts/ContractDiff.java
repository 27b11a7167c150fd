package dev.ooda.contracts;

import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.model.Changed;
import org.openapitools.openapidiff.core.model.ChangedApiResponse;
import org.openapitools.openapidiff.core.model.ChangedContent;
import org.openapitools.openapidiff.core.model.ChangedMediaType;
import org.openapitools.openapidiff.core.model.ChangedOpenApi;
import org.openapitools.openapidiff.core.model.ChangedOperation;
import org.openapitools.openapidiff.core.model.ChangedParameter;
import org.openapitools.openapidiff.core.model.ChangedParameters;
import org.openapitools.openapidiff.core.model.ChangedRequestBody;
import org.openapitools.openapidiff.core.model.ChangedResponse;
import org.openapitools.openapidiff.core.model.ChangedSchema;
import org.openapitools.openapidiff.core.model.Endpoint;

/**
 * The changes from one contract to the next, each classed breaking or compatible. openapi-diff
 * finds the differences; this walks its tree and names each one by operation and place (parameter,
 * request body, response and field), so that a refusal can say exactly what would break.
 *
 * <p>Breaking, as a caller written against the older document sees it: an operation or response
 * removed; a response field removed, changed in type, no longer required, or given enum values the
 * caller has never seen; a request parameter or field newly required, changed in type, or whose
 * enum lost values; a request body newly required. Everything else (operations, optional fields,
 * responses added, deprecations) is compatible. Where openapi-diff finds an operation incompatible
 * for a reason not listed here, the operation is reported breaking with the library's judgement.
 */
public final class ContractDiff {
  private ContractDiff() {}

  public static List<ContractChange> between(OpenApiDocument older, OpenApiDocument newer) {
    ChangedOpenApi d = OpenApiCompare.fromContents(older.json(), newer.json());
    List<ContractChange> out = new ArrayList<>();
    for (Endpoint e : d.getMissingEndpoints()) {
      out.add(new ContractChange(method(e), e.getPathUrl(), id(e.getOperation()), "operation removed", true));
    }
    for (Endpoint e : d.getNewEndpoints()) {
      out.add(new ContractChange(method(e), e.getPathUrl(), id(e.getOperation()), "operation added", false));
    }
    for (ChangedOperation op : d.getChangedOperations()) new Walk(op, out).operation();
    return List.copyOf(out);
  }

  /** Whether any of {@code changes} breaks callers. */
  public static boolean breaks(List<ContractChange> changes) {
    return changes.stream().anyMatch(ContractChange::breaking);
  }

  private static String method(Endpoint e) {
    return e.getMethod().name().toUpperCase(Locale.ROOT);
  }

  private static String id(io.swagger.v3.oas.models.Operation op) {
    return op == null ? null : op.getOperationId();
  }

  /** One operation's changes. */
  private static final class Walk {
    private final ChangedOperation op;
    private final List<ContractChange> out;
    private final String method;
    private final String operationId;
    private boolean anyBreaking;

    Walk(ChangedOperation op, List<ContractChange> out) {
      this.op = op;
      this.out = out;
      this.method = op.getHttpMethod().name().toUpperCase(Locale.ROOT);
      this.operationId = op.getNewOperation() != null && op.getNewOperation().getOperationId() != null
          ? op.getNewOperation().getOperationId() : id(op.getOldOperation());
    }

    void add(String what, boolean breaking) {
      anyBreaking |= breaking;
      out.add(new ContractChange(method, op.getPathUrl(), operationId, what, breaking));
    }

    void operation() {
      if (op.isDeprecated()) add("deprecated", false);
      if (op.getParameters() != null) parameters(op.getParameters());
      if (op.getRequestBody() != null) requestBody(op.getRequestBody());
      if (op.getApiResponses() != null) responses(op.getApiResponses());
      if (!anyBreaking && Changed.result(op).isIncompatible()) add("changed in a way callers may not handle (openapi-diff)", true);
    }

    private void parameters(ChangedParameters p) {
      for (Parameter gone : p.getMissing()) add("parameter " + name(gone) + " removed", true);
      for (Parameter added : p.getIncreased()) {
        boolean required = Boolean.TRUE.equals(added.getRequired());
        add((required ? "new required parameter " : "optional parameter ") + name(added) + (required ? "" : " added"), required);
      }
      for (ChangedParameter c : p.getChanged()) {
        String where = "parameter " + name(c.getNewParameter());
        if (c.isChangeRequired()) {
          boolean now = Boolean.TRUE.equals(c.getNewParameter().getRequired());
          add(where + (now ? " now required" : " no longer required"), now);
        }
        if (c.isDeprecated()) add(where + " deprecated", false);
        if (c.getSchema() != null) schema(where, "", c.getSchema());
        if (c.getContent() != null) content(where, c.getContent());
      }
    }

    private static String name(Parameter p) {
      return "'" + p.getName() + "' (" + p.getIn() + ")";
    }

    private void requestBody(ChangedRequestBody b) {
      if (b.isChangeRequired()) {
        boolean now = b.getNewRequestBody() != null && Boolean.TRUE.equals(b.getNewRequestBody().getRequired());
        add(now ? "request body now required" : "request body no longer required", now);
      }
      if (b.getContent() != null) content("request body", b.getContent());
    }

    private void responses(ChangedApiResponse r) {
      for (String code : r.getMissing().keySet()) add("response " + code + " removed", true);
      for (String code : r.getIncreased().keySet()) add("response " + code + " added", false);
      for (Map.Entry<String, ChangedResponse> e : r.getChanged().entrySet()) {
        String where = "response " + e.getKey();
        ChangedResponse c = e.getValue();
        if (c.getHeaders() != null && c.getHeaders().isDifferent()) add(where + ": headers changed", c.getHeaders().isIncompatible());
        if (c.getContent() != null) content(where, c.getContent());
      }
    }

    private void content(String where, ChangedContent c) {
      for (String type : c.getMissing().keySet()) add(where + ": media type " + type + " removed", true);
      for (String type : c.getIncreased().keySet()) add(where + ": media type " + type + " added", false);
      boolean one = c.getChanged().size() == 1;
      for (Map.Entry<String, ChangedMediaType> e : c.getChanged().entrySet()) {
        if (e.getValue().getSchema() != null) schema(one ? where : where + " (" + e.getKey() + ")", "", e.getValue().getSchema());
      }
    }

    /** {@code field} is the dotted path of the field within the body, empty for the body itself. */
    private void schema(String where, String field, ChangedSchema s) {
      boolean request = s.getContext() != null && s.getContext().isRequest();
      String label = where + ": " + (field.isEmpty() ? "schema" : "field '" + field + "'");
      if (s.isChangedType()) {
        add(label + " type changed from " + type(s.getOldSchema()) + " to " + type(s.getNewSchema()), true);
      }
      if (s.getEnumeration() != null) {
        List<?> gone = s.getEnumeration().getMissing();
        List<?> added = s.getEnumeration().getIncreased();
        if (!gone.isEmpty()) add(label + " enum values removed " + gone, request);
        if (!added.isEmpty()) add(label + " enum values added " + added, !request);
      }
      Set<String> newlyRequired = s.getRequired() == null ? Set.of() : Set.copyOf(s.getRequired().getIncreased());
      for (Map.Entry<String, Schema<?>> e : s.getIncreasedProperties().entrySet()) {
        boolean required = newlyRequired.contains(e.getKey()) || requiredIn(s.getNewSchema(), e.getKey());
        String name = join(where, field, e.getKey());
        if (request && required) add(name.replace(": field '", ": new required field '"), true);
        else add(name + " added" + (required ? " (required)" : ""), false);
      }
      for (String gone : s.getMissingProperties().keySet()) add(join(where, field, gone) + " removed", !request);
      if (s.getRequired() != null) {
        for (String now : s.getRequired().getIncreased()) {
          if (!s.getIncreasedProperties().containsKey(now)) {
            add(join(where, field, now) + " now required", request);
          }
        }
        for (String no : s.getRequired().getMissing()) {
          if (!s.getMissingProperties().containsKey(no)) {
            add(join(where, field, no) + " no longer required", !request);
          }
        }
      }
      for (Map.Entry<String, ChangedSchema> e : s.getChangedProperties().entrySet()) {
        schema(where, field.isEmpty() ? e.getKey() : field + "." + e.getKey(), e.getValue());
      }
      if (s.getItems() != null) schema(where, field + "[]", s.getItems());
      constraint(label, "maxLength", s.getMaxLength());
      constraint(label, "minLength", s.getMinLength());
      constraint(label, "minimum/maximum", s.getNumericRange());
      constraint(label, "multipleOf", s.getMultipleOf());
      constraint(label, "maxItems", s.getMaxItems());
      constraint(label, "minItems", s.getMinItems());
      constraint(label, "nullable", s.getNullable());
      constraint(label, "pattern", s.getPattern());
      constraint(label, "readOnly", s.getReadOnly());
      constraint(label, "writeOnly", s.getWriteOnly());
      constraint(label, "uniqueItems", s.getUniqueItems());
      constraint(label, "oneOf", s.getOneOfSchema());
      if (s.getAddProp() != null) schema(where, field + "{*}", s.getAddProp());
      if (s.isChangeFormat()) add(label + " format changed from " + s.getOldSchema().getFormat() + " to " + s.getNewSchema().getFormat(), false);
      if (s.isChangeDeprecated()) add(label + " deprecated", false);
    }

    private void constraint(String label, String name, Changed c) {
      if (c != null && c.isDifferent()) add(label + " " + name + " changed", c.isIncompatible());
    }

    private static String join(String where, String field, String name) {
      return where + ": field '" + (field.isEmpty() ? name : field + "." + name) + "'";
    }

    private static boolean requiredIn(Schema<?> s, String property) {
      return s != null && s.getRequired() != null && s.getRequired().contains(property);
    }

    private static String type(Schema<?> s) {
      if (s == null) return "nothing";
      if (s.getType() != null) return s.getType();
      if (s.getTypes() != null && !s.getTypes().isEmpty()) return String.join("|", s.getTypes());
      return s.get$ref() != null ? s.get$ref() : "any";
    }
  }
}
