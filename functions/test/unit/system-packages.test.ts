/**
 * `npm test` on a fresh machine: the Debian packages the run needs (Chromium for the
 * browser tests, espeak-ng for the simulator's speech) are installed before it when
 * missing and allowed (root, or sudo without a password); otherwise the run stops first
 * with one line saying what to install.
 */
import { expect } from "chai";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  CHROMIUM,
  ESPEAK_NG,
  missingPackages,
  onPath,
  packagesFor,
  planInstall,
} from "../../devtools/harness/system-packages";

describe("npm test: the Debian packages it needs (Chromium, espeak-ng)", () => {
  describe("planInstall: what to do, from what is missing and who runs it", () => {
    it("nothing to do when nothing is missing, whoever runs it", () => {
      for (const isRoot of [true, false]) {
        for (const canSudo of [true, false]) {
          expect(planInstall({ missing: [], isRoot, canSudo })).to.deep.equal({ action: "none" });
        }
      }
    });

    it("root: apt-get update, then apt-get install -y of exactly the missing packages", () => {
      expect(
        planInstall({ missing: [CHROMIUM, ESPEAK_NG], isRoot: true, canSudo: false }),
      ).to.deep.equal({
        action: "install",
        packages: ["chromium", "espeak-ng"],
        commands: [
          ["apt-get", "update"],
          ["apt-get", "install", "-y", "chromium", "espeak-ng"],
        ],
      });
      expect(planInstall({ missing: [ESPEAK_NG], isRoot: true, canSudo: true })).to.deep.equal({
        action: "install",
        packages: ["espeak-ng"],
        commands: [
          ["apt-get", "update"],
          ["apt-get", "install", "-y", "espeak-ng"],
        ],
      });
    });

    it("not root but sudo without a password: the same through sudo -n", () => {
      expect(planInstall({ missing: [CHROMIUM], isRoot: false, canSudo: true })).to.deep.equal({
        action: "install",
        packages: ["chromium"],
        commands: [
          ["sudo", "-n", "apt-get", "update"],
          ["sudo", "-n", "apt-get", "install", "-y", "chromium"],
        ],
      });
    });

    it("neither: stop, with one line naming each missing package, why, and the command", () => {
      const plan = planInstall({ missing: [CHROMIUM, ESPEAK_NG], isRoot: false, canSudo: false });
      expect(plan.action).to.equal("stop");
      const message = plan.action === "stop" ? plan.message : "";
      expect(message.split("\n")).to.have.length(1);
      expect(message)
        .to.contain("chromium (the browser tests)")
        .and.to.contain("espeak-ng (the HeyGen simulator's speech)")
        .and.to.contain("sudo apt-get update && sudo apt-get install -y chromium espeak-ng");
    });
  });

  describe("packagesFor: what a run needs", () => {
    it("the whole suite and any run with a browser spec need Chromium; every run needs espeak-ng", () => {
      expect(packagesFor([])).to.deep.equal([CHROMIUM, ESPEAK_NG]);
      expect(packagesFor(["--reporter=json"])).to.deep.equal([CHROMIUM, ESPEAK_NG]);
      expect(packagesFor(["web/test/avatar.test.ts"])).to.deep.equal([CHROMIUM, ESPEAK_NG]);
      expect(packagesFor(["../web/test/journey.test.ts"])).to.deep.equal([CHROMIUM, ESPEAK_NG]);
      expect(packagesFor(["functions/test/quotas/quotas.test.ts"])).to.deep.equal([ESPEAK_NG]);
      expect(packagesFor(["--grep", "x", "test/rules/firestore-rules.test.ts"])).to.deep.equal([
        ESPEAK_NG,
      ]);
    });
  });

  describe("the probes: a program on the PATH, CHROMIUM_PATH", () => {
    const bin = mkdtempSync(path.join(os.tmpdir(), "masky-path-"));
    const exe = (name: string, mode = 0o755) => {
      writeFileSync(path.join(bin, name), "#!/bin/sh\n");
      chmodSync(path.join(bin, name), mode);
    };
    exe("espeak-ng");
    exe("chromium-browser", 0o644); // there but not executable
    mkdirSync(path.join(bin, "chromium")); // a folder is not a program

    it("finds an executable file in a PATH folder, not a folder or a file it cannot run", () => {
      expect(onPath("espeak-ng", bin)).to.equal(true);
      expect(onPath("chromium-browser", bin)).to.equal(false);
      expect(onPath("chromium", bin)).to.equal(false);
      expect(onPath("espeak-ng", ["/nonexistent", bin].join(path.delimiter))).to.equal(true);
      expect(onPath("espeak-ng", "")).to.equal(false);
    });

    it("reports what is missing; Chromium counts as there when CHROMIUM_PATH names a file", () => {
      expect(missingPackages([CHROMIUM, ESPEAK_NG], { PATH: bin })).to.deep.equal([CHROMIUM]);
      exe("chrome-at-a-custom-place");
      expect(
        missingPackages([CHROMIUM, ESPEAK_NG], {
          PATH: bin,
          CHROMIUM_PATH: path.join(bin, "chrome-at-a-custom-place"),
        }),
      ).to.deep.equal([]);
      expect(missingPackages([CHROMIUM, ESPEAK_NG], { PATH: "" })).to.deep.equal([
        CHROMIUM,
        ESPEAK_NG,
      ]);
    });
  });
});
