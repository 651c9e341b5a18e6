import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PARAMS } from "../../src/params";
import {
  CONFIG_DOC_FILE,
  pagesQuotingDefaults,
  renderConfigDoc,
  renderConfigTable,
  staleDefaultsElsewhere,
  staleDefaultsInPages,
} from "../../devtools/config-doc";

describe("docs/configuration.md", () => {
  it("is the page generated from src/params.ts (run devtools/config-doc.ts after a change)", () => {
    expect(readFileSync(CONFIG_DOC_FILE, "utf8"), "docs/configuration.md is stale").to.equal(
      renderConfigDoc(),
    );
  });

  it("carries the table after its introduction", () => {
    const doc = renderConfigDoc();
    expect(doc).to.match(/^# Configuration\n/);
    expect(doc.endsWith(`\n## Params and secrets\n\n${renderConfigTable()}\n`)).to.equal(true);
  });

  it("has one row per param, with its kind and default", () => {
    const table = renderConfigTable();
    for (const name of Object.keys(PARAMS)) expect(table).to.include(`| \`${name}\` |`);
    expect(table).to.match(/\| `HEYGEN_POLL_CONCURRENCY` \| int \| `4` \| default \| .*; 1–20 \|/);
    expect(table).to.include("| `VIDEO_STATUS_FRESH_SECONDS` | int | `10` | `2` |");
    expect(table).to.include("| `HEYGEN_API_KEY` | secret | none |");
  });
});

describe("defaults quoted by other pages", () => {
  it("agree with the definition (the quotas table of docs/privacy.md)", () => {
    expect(staleDefaultsInPages()).to.deep.equal([]);
  });

  it("are read from README.md and docs/, the quotas table included", () => {
    const pages = pagesQuotingDefaults().map((f) => path.basename(f));
    expect(pages).to.include.members(["README.md", "privacy.md"]);
    expect(pages).to.not.include("configuration.md");
    const privacy = pagesQuotingDefaults().find((f) => path.basename(f) === "privacy.md");
    expect(readFileSync(privacy as string, "utf8")).to.match(/^\| `QUOTA_[A-Z_]+` \| `[^`]*` \|/m);
  });

  it("notice a quoted default that disagrees", () => {
    expect(staleDefaultsElsewhere("| `MINIMUM_AGE` | `16` | age |\n")).to.deep.equal([
      "MINIMUM_AGE: 16, default 18",
    ]);
    expect(staleDefaultsElsewhere("| `MINIMUM_AGE` | `18` | age |\n")).to.deep.equal([]);
  });
});
