import { expect } from "chai";
import { generateBody } from "../../src/handlers/heygen-schemas";
import {
  captionsPath,
  captionsPlan,
  hasControlCharacters,
  TRANSCRIPT_MAX_CHARS,
} from "../../src/services/captions/captions-source";
import { captionsToWrite } from "../../src/store/project-archive";

describe("captions: what a video's captions are made of", () => {
  const parse = (body: Record<string, unknown>) =>
    generateBody.safeParse({ projectId: "p", ...body });
  const issuePaths = (body: Record<string, unknown>) => {
    const r = parse(body);
    return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
  };

  it("takes a transcript with a recording, trimmed, up to the limit in characters a reader sees", () => {
    const ok = parse({ voiceUrl: "users/u/v.webm", transcript: "  Hello there.\nBye.\t " });
    expect(ok.success && ok.data.transcript).to.equal("Hello there.\nBye.");
    expect(parse({ transcript: "😀".repeat(TRANSCRIPT_MAX_CHARS) }).success).to.equal(true);
    expect(issuePaths({ transcript: "😀".repeat(TRANSCRIPT_MAX_CHARS + 1) })).to.deep.equal([
      "transcript",
    ]);
  });

  it("refuses an empty transcript, control characters, and a transcript with a script, naming the field", () => {
    expect(issuePaths({ transcript: "   " })).to.deep.equal(["transcript"]);
    for (const bad of ["a\u0000b", "bell\u0007", "esc\u001b[31m", "c1\u0085"])
      expect(issuePaths({ transcript: bad }), JSON.stringify(bad)).to.deep.equal(["transcript"]);
    expect(issuePaths({ script: "Hi.", transcript: "Hi." })).to.deep.equal(["transcript"]);
  });

  it("tells control characters from line breaks, tabs and other scripts", () => {
    expect(hasControlCharacters("line\r\nbreak\ttab — 日本語 😀")).to.equal(false);
    expect(hasControlCharacters("\u007f")).to.equal(true);
    expect(hasControlCharacters("\u009f")).to.equal(true);
    expect(hasControlCharacters("\u00a0")).to.equal(false);
  });

  it("captions a script with its words, a recording with its transcript, else none", () => {
    expect(captionsPlan({ script: "Say this." })).to.deep.equal({
      source: "script",
      text: "Say this.",
    });
    expect(captionsPlan({ transcript: "I said this." })).to.deep.equal({
      source: "transcript",
      text: "I said this.",
    });
    expect(captionsPlan({})).to.deep.equal({ source: "none", text: null });
  });

  it("reads the words back when the video is archived; an older project has no captions", () => {
    const captions = { path: null, error: null };
    expect(
      captionsToWrite({ captions: { source: "script", script: "S.", ...captions } }),
    ).to.deep.equal({ source: "script", text: "S." });
    expect(
      captionsToWrite({
        captions: { source: "transcript", script: null, ...captions },
        transcript: "T.",
      }),
    ).to.deep.equal({ source: "transcript", text: "T." });
    expect(
      captionsToWrite({ captions: { source: "none", script: null, ...captions } }),
    ).to.deep.equal({ source: "none", text: null });
    expect(captionsToWrite({})).to.equal(null);
    expect(captionsPath("u1", "p1")).to.equal("videos/u1/p1.vtt");
  });
});
