import { expect } from "chai";
import { readFileSync } from "node:fs";
import { PARAMS } from "../../src/params";
import {
  README_FILE,
  TABLE_BEGIN,
  TABLE_END,
  renderConfigTable,
  staleDefaultsElsewhere,
  withConfigTable,
} from "../../devtools/config-doc";

describe("README configuration table", () => {
  it("is the table generated from src/params.ts (run devtools/config-doc.ts after a change)", () => {
    const readme = readFileSync(README_FILE, "utf8");
    expect(readme, "the table between the markers is stale").to.equal(withConfigTable(readme));
  });

  it("agrees with the defaults other README tables quote (the quotas table)", () => {
    const readme = readFileSync(README_FILE, "utf8");
    expect(staleDefaultsElsewhere(readme)).to.deep.equal([]);
    expect(staleDefaultsElsewhere("| `MINIMUM_AGE` | `16` | age |\n")).to.deep.equal([
      "MINIMUM_AGE: README 16, default 18",
    ]);
  });

  it("has one row per param, with its kind and default", () => {
    const table = renderConfigTable();
    for (const name of Object.keys(PARAMS)) expect(table).to.include(`| \`${name}\` |`);
    expect(table).to.match(/\| `HEYGEN_POLL_CONCURRENCY` \| int \| `4` \| default \| .*; 1–20 \|/);
    expect(table).to.include("| `VIDEO_STATUS_FRESH_SECONDS` | int | `10` | `2` |");
    expect(table).to.include("| `HEYGEN_API_KEY` | secret | none |");
  });

  it("notices a stale table and refuses a README without the markers", () => {
    const stale = `intro\n${TABLE_BEGIN}\n| old |\n${TABLE_END}\nrest\n`;
    const fresh = withConfigTable(stale);
    expect(fresh).to.not.equal(stale);
    expect(fresh)
      .to.include(renderConfigTable())
      .and.match(/^intro\n/)
      .and.match(/\nrest\n$/);
    expect(() => withConfigTable("no markers")).to.throw(/markers/);
  });
});
