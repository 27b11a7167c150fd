package dev.ooda.cli;

import dev.ooda.model.Instance;
import dev.ooda.model.ResourceCodec;
import java.io.PrintWriter;
import java.util.List;

/** The registry's instances as `ooda get instances` shows them. */
final class Instances {
  private Instances() {}

  static void print(PrintWriter out, List<Instance> items, String service, Get.Format f) {
    switch (f) {
      case yaml -> out.print(ResourceCodec.toYaml(items));
      case json -> out.println(ResourceCodec.toJson(items));
      case table -> {
        if (items.isEmpty()) {
          out.println(service == null ? "no instances" : "no instances of " + service);
          break;
        }
        long now = System.currentTimeMillis();
        Table.print(out, List.of("SERVICE", "ID", "VERSION", "ADDRESS", "ZONE", "STATUS", "AGE"),
            items.stream().map(i -> List.of(i.service(), i.id(), dash(i.version()), i.authority(), dash(i.zone()),
                i.status().name(), i.fixed() ? "fixed" : age(now - i.registeredAtMillis()))).toList());
      }
    }
    out.flush();
  }

  /** Like kubectl: 45s, 12m, 5h, 3d. */
  static String age(long millis) {
    long s = Math.max(0, millis / 1000);
    if (s < 120) return s + "s";
    if (s < 2 * 3600) return s / 60 + "m";
    if (s < 2 * 86400) return s / 3600 + "h";
    return s / 86400 + "d";
  }

  private static String dash(String s) {
    return s == null ? "-" : s;
  }
}
