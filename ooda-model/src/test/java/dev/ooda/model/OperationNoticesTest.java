package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OperationNoticesTest {
  final OperationNotices notices = OperationNotices.compile(List.of(
      new OperationNotice("catalog", "v1", "GET", "/items/{id}", 1_790_000_000L, "Wed, 30 Jun 2027 00:00:00 GMT"),
      new OperationNotice("catalog", "v1", "DELETE", "/items", 1_790_000_001L, null)));

  @Test
  void matchesTheTemplateWithOrWithoutAPrefixAndOnlyForItsMajorVersion() {
    var n = notices.find("catalog", "v1.2.0", "GET", "/items/7?fields=all");
    assertThat(n.deprecation()).isEqualTo("@1790000000");
    assertThat(n.sunset()).isEqualTo("Wed, 30 Jun 2027 00:00:00 GMT");
    assertThat(notices.find("catalog", "v1", "GET", "/api/catalog/items/7")).isNotNull();
    assertThat(notices.find("catalog", "v2.0.0", "GET", "/items/7")).isNull();
    assertThat(notices.find("catalog", "v1", "GET", "/items/7/photo")).isNull();
    assertThat(notices.find("catalog", "v1", "POST", "/items/7")).isNull();
    assertThat(notices.find("orders", "v1", "GET", "/items/7")).isNull();
    assertThat(notices.find("catalog", "v1", "DELETE", "/items").sunset()).isNull();
  }

  @Test
  void majorVersions() {
    assertThat(MajorVersions.of("v2.3.1")).isEqualTo("v2");
    assertThat(MajorVersions.of("2")).isEqualTo("v2");
    assertThat(MajorVersions.of("beta")).isEqualTo("beta");
    assertThat(MajorVersions.of(null)).isEqualTo(MajorVersions.UNVERSIONED);
  }
}
