package dev.ooda.cli;

import java.io.PrintWriter;
import java.util.List;

/** Plain aligned columns, as terminals show them. */
final class Table {
  private Table() {}

  static void print(PrintWriter out, List<String> header, List<List<String>> rows) {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) w[i] = header.get(i).length();
    for (List<String> r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r.get(i).length());
    line(out, header, w);
    rows.forEach(r -> line(out, r, w));
  }

  private static void line(PrintWriter out, List<String> cells, int[] w) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i < cells.size() - 1) b.append(String.format("%-" + (w[i] + 3) + "s", cells.get(i)));
      else b.append(cells.get(i));
    }
    out.println(b.toString().stripTrailing());
  }
}
