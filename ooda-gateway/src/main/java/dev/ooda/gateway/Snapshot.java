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
 * <pre>{"routes": [Resource...], "instances": {"catalog": [Instance...]}, "services": [Resource...]}</pre>
 *
 * <p>{@code services} is absent when no groups were pushed, so that an older snapshot leaves the
 * groups alone.
 */
record Snapshot(List<Resource> routes, Map<String, List<Instance>> instances, List<Resource> services) {

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
    List<Resource> services = null;
    if (root.has("services")) {
      services = new ArrayList<>();
      for (JsonNode r : root.path("services")) services.add(ResourceCodec.readStored(ResourceCodec.toJsonBytes(r)));
    }
    return new Snapshot(routes, instances, services);
  }

  void write(Path file) throws IOException {
    ObjectNode root = ResourceCodec.json().createObjectNode();
    ArrayNode rs = root.putArray("routes");
    for (Resource r : routes) rs.add(ResourceCodec.json().valueToTree(r));
    ObjectNode is = root.putObject("instances");
    new TreeMap<>(instances).forEach((k, v) -> is.set(k, ResourceCodec.json().valueToTree(v)));
    if (services != null) {
      ArrayNode ss = root.putArray("services");
      for (Resource r : services) ss.add(ResourceCodec.json().valueToTree(r));
    }
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

  static Snapshot of(Collection<Resource> routes, Map<String, List<Instance>> instances, Collection<Resource> services) {
    return new Snapshot(List.copyOf(routes), Map.copyOf(instances), services == null ? null : List.copyOf(services));
  }
}
