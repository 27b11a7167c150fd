package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class UptimeTest {
  // 2026-12-03 is a Thursday; Berlin is UTC+1 in December, UTC+2 in July
  private static final Uptime OFFICE = Uptime.parse("Mon-Fri 08:00-19:00 Europe/Berlin");

  @Test
  void aWeekdayPeriodInItsTimeZone() {
    assertThat(OFFICE.isUp(Instant.parse("2026-12-03T07:00:00Z"))).as("08:00 in Berlin").isTrue();
    assertThat(OFFICE.isUp(Instant.parse("2026-12-03T06:59:59Z"))).as("07:59:59 in Berlin").isFalse();
    assertThat(OFFICE.isUp(Instant.parse("2026-12-03T17:59:59Z"))).isTrue();
    assertThat(OFFICE.isUp(Instant.parse("2026-12-03T18:00:00Z"))).as("19:00 ends it").isFalse();
    assertThat(OFFICE.isUp(Instant.parse("2026-12-05T12:00:00Z"))).as("Saturday").isFalse();
    // summer time: 08:00 in Berlin is 06:00 UTC
    assertThat(OFFICE.isUp(Instant.parse("2026-07-02T06:00:00Z"))).isTrue();
    assertThat(OFFICE.isUp(Instant.parse("2026-07-02T17:00:00Z"))).isFalse();
  }

  @Test
  void severalPeriodsWrappingDayRangesAlwaysAndNever() {
    Uptime u = Uptime.parse("Mon-Fri 08:00-19:00 Europe/Berlin, Sat 10:00-12:00 UTC");
    assertThat(u.isUp(Instant.parse("2026-12-05T11:00:00Z"))).isTrue();
    assertThat(u.isUp(Instant.parse("2026-12-06T11:00:00Z"))).isFalse();
    Uptime weekend = Uptime.parse("Sat-Mon 00:00-24:00 UTC");
    assertThat(weekend.isUp(Instant.parse("2026-12-07T23:59:00Z"))).as("Monday").isTrue();
    assertThat(weekend.isUp(Instant.parse("2026-12-08T00:00:00Z"))).as("Tuesday").isFalse();
    assertThat(Uptime.parse("always").isUp(Instant.EPOCH)).isTrue();
    assertThat(Uptime.parse("never").isUp(Instant.EPOCH)).isFalse();
    assertThat(OFFICE.toString()).isEqualTo("Mon-Fri 08:00-19:00 Europe/Berlin");
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(() -> Uptime.parse("Mon-Fri 08:00-19:00")).hasMessageContaining("must be DAYS HH:MM-HH:MM ZONE");
    assertThatThrownBy(() -> Uptime.parse("Mon-Fry 08:00-19:00 UTC")).hasMessageContaining("'Fry' in 'Mon-Fry 08:00-19:00 UTC' is not a day");
    assertThatThrownBy(() -> Uptime.parse("Mon-Fri 8:00-19:00 UTC")).hasMessageContaining("'8:00' in").hasMessageContaining("must be HH:MM");
    assertThatThrownBy(() -> Uptime.parse("Mon-Fri 08:00-25:00 UTC")).hasMessageContaining("'25:00' in").hasMessageContaining("not a time of day");
    assertThatThrownBy(() -> Uptime.parse("Mon-Fri 19:00-08:00 UTC")).hasMessageContaining("must end after it starts");
    assertThatThrownBy(() -> Uptime.parse("Mon-Fri 08:00-19:00 Europe/Berln")).hasMessageContaining("'Europe/Berln' in").hasMessageContaining("is not a time zone");
    assertThatThrownBy(() -> Uptime.parse(" ")).hasMessageContaining("is empty");
  }

  @Test
  void aScheduleSaysWhyItIsDownAndHonoursExcludeAndForceUp() {
    Instant saturday = Instant.parse("2026-12-05T12:00:00Z");
    DeploymentSpec.Schedule s = new DeploymentSpec.Schedule("Mon-Fri 08:00-19:00 Europe/Berlin", null, null);
    assertThat(s.downReason(saturday)).isEqualTo("outside uptime Mon-Fri 08:00-19:00 Europe/Berlin");
    assertThat(s.downReason(Instant.parse("2026-12-03T12:00:00Z"))).isNull();
    assertThat(new DeploymentSpec.Schedule(s.uptime(), true, null).downReason(saturday)).isNull();
    DeploymentSpec.Schedule forced = new DeploymentSpec.Schedule(s.uptime(), null, "2026-12-05T13:00:00Z");
    assertThat(forced.downReason(saturday)).isNull();
    assertThat(forced.downReason(Instant.parse("2026-12-05T13:00:00Z"))).as("the override has run out").isNotNull();
  }
}
