package dev.baton.nlp.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantIntentsTest {
  @Test
  void demoTenantsShipTheirAppointmentAndParcelIntents() {
    Map<String, List<String>> dental = TenantIntents.load("demo-dental");
    assertTrue(dental.keySet().containsAll(List.of("confirm_appointment", "reschedule_appointment", "cancel_appointment")),
        dental.keySet().toString());
    assertTrue(dental.get("cancel_appointment").size() >= 5);
    assertTrue(TenantIntents.load("demo-parcels").containsKey("damage_report"));
    assertTrue(TenantIntents.load("demo-saas").containsKey("cancel_subscription"));
    assertTrue(TenantIntents.load("no-such-tenant").isEmpty());
  }

  @Test
  void readsTheYamlForm() {
    Map<String, List<String>> m = TenantIntents.fromYaml("""
        # comment
        reschedule_appointment:
          - can I move my appointment to Friday
          - "I need a different time, sorry"
        late_fee:
          - 'what''s the late fee'
        """);
    assertEquals(List.of("can I move my appointment to Friday", "I need a different time, sorry"),
        m.get("reschedule_appointment"));
    assertEquals(List.of("what's the late fee"), m.get("late_fee"));
    assertThrows(IllegalArgumentException.class, () -> TenantIntents.fromYaml("- orphan example"));
  }

  @Test
  void readsFilesFromTheConfiguredDirectory(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("acme.csv"), "text,intent\n\"hello, is the shop open\",opening_hours\n");
    Files.writeString(dir.resolve("acme.yaml"), "warranty:\n  - is this covered by warranty\n");
    System.setProperty(TenantIntents.DIR_PROPERTY, dir.toString());
    try {
      Map<String, List<String>> m = TenantIntents.load("acme");
      assertEquals(List.of("hello, is the shop open"), m.get("opening_hours"));
      assertEquals(List.of("is this covered by warranty"), m.get("warranty"));
    } finally {
      System.clearProperty(TenantIntents.DIR_PROPERTY);
    }
  }
}
