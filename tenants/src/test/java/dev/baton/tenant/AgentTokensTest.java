package dev.baton.tenant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AgentTokensTest {
  private static final String TOKEN = "a-demo-token-of-at-least-32-chars";
  /** {@code printf %s a-demo-token-of-at-least-32-chars | sha256sum}. */
  private static final String TOKEN_SHA256 = "sha256:94f7390e5ae5f4685c260972a7c9b0bd580ccca550e18af5b74e6247af4241d7";

  @Test
  void aPlainTokenIsKeptOnlyAsTheSha256ThatSha256sumPrints() {
    AgentTokens.Read read = AgentTokens.read("BATON_AGENT_TOKEN_ALICE", TOKEN);

    assertEquals(TOKEN_SHA256, read.hash());
    assertFalse(read.hash().contains(TOKEN));
    assertNull(read.problem());
    // The known digest of "abc" (FIPS 180-2), so the hex is the usual sha256sum output.
    assertEquals("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", AgentTokens.hash("abc"));
  }

  @Test
  void aHashIsTakenAsItIsInLowerCase() {
    String hash = TOKEN_SHA256;

    assertEquals(hash, AgentTokens.read("V", hash).hash());
    assertEquals(hash, AgentTokens.read("V", "SHA256:" + hash.substring(7).toUpperCase()).hash());
    assertEquals(hash, AgentTokens.read("V", hash + "\n").hash(), "a trailing newline from a secrets file");
  }

  @Test
  void aShortTokenIsRefusedNamingTheVariableNeverTheValue() {
    String shortToken = "x".repeat(AgentTokens.MIN_LENGTH - 1);

    AgentTokens.Read read = AgentTokens.read("BATON_AGENT_TOKEN_ALICE", shortToken);

    assertNull(read.hash());
    assertEquals("BATON_AGENT_TOKEN_ALICE is shorter than 32 characters", read.problem());
    assertEquals(AgentTokens.hash("y".repeat(32)), AgentTokens.read("V", "y".repeat(32)).hash(), "32 is enough");
  }

  @Test
  void aMalformedHashIsRefusedNotTakenForAPlainToken() {
    String almost = "sha256:" + "ab".repeat(31) + "zz";

    AgentTokens.Read read = AgentTokens.read("V", almost);

    assertNull(read.hash());
    assertTrue(read.problem().startsWith("V starts with sha256: but is not sha256:<64 hex digits>"), read.problem());
    assertFalse(read.problem().contains(almost));
  }

  @Test
  void anUnsetVariableSaysSo() {
    assertEquals(new AgentTokens.Read(null, "V is not set"), AgentTokens.read("V", null));
    assertEquals(new AgentTokens.Read(null, "V is not set"), AgentTokens.read("V", "  "));
  }

  @Test
  void theComparedBytesAreTheDigestOfTheToken() {
    String hash = AgentTokens.hash(TOKEN);

    assertArrayEquals(AgentTokens.sha256(TOKEN), AgentTokens.bytes(hash));
    assertEquals(32, AgentTokens.bytes(hash).length);
    assertEquals(hash.substring(7), HexFormat.of().formatHex(AgentTokens.sha256(TOKEN)));
    assertThrows(IllegalArgumentException.class, () -> AgentTokens.bytes(TOKEN));
  }

  @Test
  void anAgentNeverHoldsAPlainToken() {
    assertEquals(AgentTokens.hash(TOKEN), new Agent("alice", "Alice", TOKEN).tokenHash());
    assertNull(new Agent("alice", "Alice", "short").tokenHash());
    assertNull(new Agent("alice", "Alice", null).tokenHash());
    assertFalse(new Agent("alice", "Alice", TOKEN).toString().contains("sha256"));
  }
}
