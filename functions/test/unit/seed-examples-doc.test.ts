import { expect } from "chai";
import { readFileSync } from "node:fs";
import {
  README,
  SEED_EXAMPLES_DOC,
  renderSeedExamplesTable,
  seedExamples,
  unlistedExamples,
  withCurrentReadmeTable,
  withCurrentTable,
} from "../seed/seed-examples";
import { optionVariants, parseSeed } from "../seed/seed-files";

describe("docs/seed-examples.md", () => {
  it("lists every example of both seeds with its outcome (the test's own list), and none that is gone", () => {
    expect(unlistedExamples()).to.deep.equal({ unlisted: [], gone: [] });
  });

  it("carries the table generated from that list (run npx tsx test/seed/seed-examples.ts after a change)", () => {
    const page = readFileSync(SEED_EXAMPLES_DOC, "utf8");
    expect(page, "docs/seed-examples.md is stale").to.equal(withCurrentTable(page));
    expect(page).to.contain(renderSeedExamplesTable());
  });

  it("and the README's seed section carries the short form of the same list", () => {
    const readme = readFileSync(README, "utf8");
    expect(readme, "README.md's seed table is stale").to.equal(withCurrentReadmeTable(readme));
    for (const e of seedExamples()) expect(readme).to.contain(`\`${e.file}\`:${e.line} |`);
  });
});

describe("the seed files' examples, as parsed", () => {
  it("finds the requests, responses, the viseme map and the snippet of both seeds", () => {
    const roles = seedExamples().map((e) => e.role);
    expect(roles.filter((r) => r === "request")).to.have.length(5);
    expect(roles.filter((r) => r === "response")).to.have.length(5);
    expect(roles.filter((r) => r === "map")).to.have.length(1);
    expect(roles.filter((r) => r === "snippet")).to.have.length(1);
  });

  it("reads an edited example as edited: nothing is retyped", () => {
    const seed = [
      "### POST /avatar/preferences",
      "Request JSON:",
      "```json",
      '{ "assetId": "abc", "voice": { "pitch": 0.2 } }',
      "```",
      'Response 200: `{ "ok": true }`',
    ].join("\n");
    const [request, response] = parseSeed("photoreal-avatar-api.txt", seed);
    expect(request).to.include({
      id: "photoreal-avatar-api.txt: POST /avatar/preferences request",
      line: 4,
    });
    expect(request.json).to.deep.equal({ assetId: "abc", voice: { pitch: 0.2 } });
    expect(response.json).to.deep.equal({ ok: true });
  });

  it("turns option bullets into one option set per alternative", () => {
    expect(optionVariants('  - output: "glb"\n  - blendshapes: "arkit" | "basic"')).to.deep.equal([
      { output: "glb", blendshapes: "arkit" },
      { output: "glb", blendshapes: "basic" },
    ]);
  });
});
