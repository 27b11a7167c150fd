package dev.ooda.gateway.routing;

import java.util.List;

/**
 * Weighted targets laid over {@value #BUCKETS} buckets: target i owns a contiguous run of buckets
 * proportional to its weight. A user's bucket comes from a stable hash of their key (or from the
 * gateway's cookie), so a user stays on one target for as long as the weights stay put.
 */
public final class Split {
  public static final int BUCKETS = 10_000;
  public final TargetRef[] targets;
  private final int[] upper;

  Split(List<TargetRef> targets) {
    this.targets = targets.toArray(new TargetRef[0]);
    this.upper = new int[this.targets.length];
    long total = 0;
    for (TargetRef t : this.targets) total += t.weight;
    long cum = 0;
    for (int i = 0; i < this.targets.length; i++) {
      cum += this.targets[i].weight;
      upper[i] = total == 0 ? BUCKETS * (i + 1) / this.targets.length : (int) (cum * BUCKETS / total);
    }
    if (upper.length > 0) upper[upper.length - 1] = BUCKETS;
  }

  public boolean single() {
    return targets.length == 1;
  }

  public TargetRef pick(int bucket) {
    int[] u = upper;
    for (int i = 0; i < u.length; i++) if (bucket < u[i]) return targets[i];
    return targets[targets.length - 1];
  }

  /** The bucket of a sticky key. */
  public static int bucketOf(String key) {
    return Math.floorMod(Murmur3.hash32(key), BUCKETS);
  }
}
