/**
 * The local stack's functions/.env.local is written once and then belongs to the
 * developer. A param added later used to be missing from it, and the Functions
 * emulator then asked for it on the terminal: `npm start`, the demo and the bench hung.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { completeDotenv, parseDotenv } from "../../devtools/local-stack/config";

describe("local stack: an existing functions/.env.local gets the params it lacks", () => {
  const file = () => path.join(mkdtempSync(path.join(tmpdir(), "masky-env-")), ".env.local");

  it("appends only the missing keys and keeps the developer's values", () => {
    const f = file();
    writeFileSync(f, '# mine\nHEYGEN_API_VERSION="v2"\nKEPT="x"');
    const added = completeDotenv(f, { HEYGEN_API_VERSION: "v3", HEYGEN_LOOK_WAIT_SECONDS: "8" });
    expect(added).to.deep.equal(["HEYGEN_LOOK_WAIT_SECONDS"]);
    expect(parseDotenv(f)).to.deep.equal({
      HEYGEN_API_VERSION: "v2",
      KEPT: "x",
      HEYGEN_LOOK_WAIT_SECONDS: "8",
    });
    expect(readFileSync(f, "utf8")).to.match(/^# mine\n/);
  });

  it("changes nothing when every key is there", () => {
    const f = file();
    const text = 'A="1"\nB="2"\n';
    writeFileSync(f, text);
    expect(completeDotenv(f, { A: "9", B: "9" })).to.deep.equal([]);
    expect(readFileSync(f, "utf8")).to.equal(text);
  });
});
