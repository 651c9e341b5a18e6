import { expect } from "chai";
import { buildConfig, resolveConfig } from "../../src/config";
import {
  isHeygenHost,
  legacyHeygenWarner,
  legacyHeygenWarning,
} from "../../src/legacy-heygen-warning";
import { paramDefaults } from "../../src/params";
import { captureLogs } from "../helpers/log-capture";

const runtime = { projectId: "demo-x", isEmulator: false, defaultBucket: "demo-x.appspot.com" };
const config = (raw: Record<string, string>) => buildConfig(raw, runtime);
const today = new Date("2026-12-06T09:00:00Z");

describe("the legacy HeyGen v2 warning", () => {
  it("is for v2 at HeyGen's own hosts only: not v3, not the simulator, not a look-alike host", () => {
    expect(legacyHeygenWarning(config({ HEYGEN_API_VERSION: "v2" }).heygen, today)).to.match(
      /HEYGEN_API_VERSION=v2 .*https:\/\/api\.heygen\.com.*retired after 2026-10-31.*HEYGEN_API_VERSION=v3/,
    );
    expect(legacyHeygenWarning(config({ HEYGEN_API_VERSION: "v3" }).heygen, today)).to.equal(null);
    const sim = config({
      HEYGEN_API_VERSION: "v2",
      HEYGEN_API_BASE_URL: "http://127.0.0.1:9310",
      HEYGEN_UPLOAD_BASE_URL: "http://127.0.0.1:9311",
    });
    expect(legacyHeygenWarning(sim.heygen, today)).to.equal(null);
    expect(isHeygenHost("https://upload.heygen.com")).to.equal(true);
    expect(isHeygenHost("https://HEYGEN.com/")).to.equal(true);
    expect(isHeygenHost("https://api.heygen.com.example.org")).to.equal(false);
    expect(isHeygenHost("https://notheygen.com")).to.equal(false);
    expect(isHeygenHost("not a url")).to.equal(false);
  });

  it("says 'retires' before the sunset and 'retired' after it", () => {
    const v2 = config({ HEYGEN_API_VERSION: "v2" }).heygen;
    expect(legacyHeygenWarning(v2, new Date("2026-10-31T23:00:00Z"))).to.contain(
      "retires after 2026-10-31",
    );
    expect(legacyHeygenWarning(v2, today)).to.contain("retired after 2026-10-31");
  });

  it("is logged once by a warner, however often the configuration is read", async () => {
    const warn = legacyHeygenWarner(() => today);
    const v2 = config({ HEYGEN_API_VERSION: "v2" });
    const { result, text } = await captureLogs(async () => [warn(v2), warn(v2), warn(v2)]);
    expect(result).to.deep.equal([true, false, false]);
    expect(text.match(/HEYGEN_API_VERSION=v2/g)).to.have.length(1);
    expect(text).to.contain('"severity":"WARNING"');
  });

  it("comes from resolveConfig at an instance's cold start: one warning for many requests", async () => {
    const saved = { ...process.env };
    // The values a deployed instance reads: every default, and v2 at HeyGen.
    const defaults = Object.entries(paramDefaults()).map(([k, v]) => [k, String(v)]);
    Object.assign(process.env, Object.fromEntries(defaults), {
      HEYGEN_API_VERSION: "v2",
      HEYGEN_API_BASE_URL: "https://api.heygen.com",
      HEYGEN_UPLOAD_BASE_URL: "https://upload.heygen.com",
    });
    try {
      const { result, text } = await captureLogs(async () =>
        // The first resolution is the cold start; the others stand for later requests.
        [resolveConfig(), resolveConfig(), resolveConfig()].map((c) => c.heygen.apiVersion),
      );
      expect(result).to.deep.equal(["v2", "v2", "v2"]);
      expect(text.match(/HEYGEN_API_VERSION=v2 points at HeyGen's legacy/g)).to.have.length(1);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
