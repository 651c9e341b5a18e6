import { expect } from "chai";
import { generateBody } from "../../src/handlers/heygen-schemas";

describe("generateBody (the one schema of generate, HTTPS and callable)", () => {
  const parse = (body: Record<string, unknown>) =>
    generateBody.safeParse({ projectId: "p", ...body });

  it("counts the 5,000-character limit in characters a reader sees, after trimming", () => {
    expect(parse({ script: `  ${"😀".repeat(5000)}  ` }).success).to.equal(true);
    expect(parse({ script: "😀".repeat(5001) }).success).to.equal(false);
    const trimmed = parse({ script: "  hello \n" });
    expect(trimmed.success && trimmed.data.script).to.equal("hello");
  });

  it("accepts each voice source alone and refuses both, naming both fields", () => {
    expect(parse({}).success).to.equal(true);
    expect(parse({ voiceUrl: "users/u/v.webm" }).success).to.equal(true);
    expect(
      parse({ script: "hi", voiceId: "v", voiceSettings: { speed: 1, pitch: 0 } }).success,
    ).to.equal(true);
    const both = parse({ voiceUrl: "users/u/v.webm", script: "hi" });
    expect(both.success).to.equal(false);
    expect(both.error?.issues[0].message).to.contain("voiceUrl").and.to.contain("script");
  });

  it("keeps speed and pitch inside every documented source's range", () => {
    for (const s of [{ speed: 0.4 }, { speed: 1.6 }, { pitch: -21 }, { pitch: 21 }, { volume: 1 }])
      expect(parse({ script: "hi", voiceSettings: s }).success, JSON.stringify(s)).to.equal(false);
    for (const s of [
      { speed: 0.5 },
      { speed: 1.5 },
      { pitch: -20 },
      { pitch: 20 },
      { locale: "en-US" },
    ])
      expect(parse({ script: "hi", voiceSettings: s }).success, JSON.stringify(s)).to.equal(true);
  });
});
