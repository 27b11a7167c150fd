package dev.ooda.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ooda.model.Instance;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last routes, instances and access groups (Service resources) a gateway was given, kept in one
 * JSON file so that a restarted
 * gateway serves them while the control plane is out of reach. Written whole to a temporary file
 * and moved into place, so that a crash never leaves half a snapshot.
 *
 * <pre>{"routes": [Resource...], "instances": {"catalog": [Instance...]}, "services": [Resource...], "flags": [Resource...]}</pre>
 *
 * <p>{@code services} ({@code flags}) is absent when no groups (flags) were pushed, so that an
 * older snapshot leaves them alone.
 */
record Snapshot(List<Resource> routes, Map<String, List<Instance>> instances, List<Resource> services, List<Resource> flags) {

  static Snapshot read(Path file) throws IOException {
    JsonNode root = ResourceCodec.json().readTree(file.toFile());
    List<Resource> routes = new ArrayList<>();
    for (JsonNode r : root.path("routes")) routes.add(ResourceCodec.readStored(ResourceCodec.toJsonBytes(r)));
    Map<String, List<Instance>> instances = new TreeMap<>();
    var it = root.path("instances").fields();
    while (it.hasNext()) {
      var e = it.next();
      instances.put(e.getKey(), Arrays.asList(ResourceCodec.json().treeToValue(e.getValue(), Instance[].class)));
    }
    return new Snapshot(routes, instances, resources(root, "services"), resources(root, "flags"));
  }

  private static List<Resource> resources(JsonNode root, String field) throws IOException {
    if (!root.has(field)) return null;
    List<Resource> out = new ArrayList<>();
    for (JsonNode r : root.path(field)) out.add(ResourceCodec.readStored(ResourceCodec.toJsonBytes(r)));
    return out;
  }

  void write(Path file) throws IOException {
    ObjectNode root = ResourceCodec.json().createObjectNode();
    ArrayNode rs = root.putArray("routes");
    for (Resource r : routes) rs.add(ResourceCodec.json().valueToTree(r));
    ObjectNode is = root.putObject("instances");
    new TreeMap<>(instances).forEach((k, v) -> is.set(k, ResourceCodec.json().valueToTree(v)));
    put(root, "services", services);
    put(root, "flags", flags);
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      ResourceCodec.json().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void put(ObjectNode root, String field, List<Resource> resources) {
    if (resources == null) return;
    ArrayNode a = root.putArray(field);
    for (Resource r : resources) a.add(ResourceCodec.json().valueToTree(r));
  }

  static Snapshot of(Collection<Resource> routes, Map<String, List<Instance>> instances, Collection<Resource> services,
                     Collection<Resource> flags) {
    return new Snapshot(List.copyOf(routes), Map.copyOf(instances), services == null ? null : List.copyOf(services),
        flags == null ? null : List.copyOf(flags));
  }
}
