import { expect } from "chai";
import { declaredParams } from "firebase-functions/params";
import { params } from "../../src/config";
import { PARAMS, paramDefaults } from "../../src/params";
import {
  SIMULATED_SECRETS,
  TEST_PROJECT_ID,
  simulatedParams,
  simulatedProviderConfig,
} from "../../devtools/stack-env";
import { PORTS, localUrl } from "../../devtools/ports";

type Spec = { toSpec(): { type?: string; default?: unknown } };

describe("params from one definition", () => {
  it("creates one firebase-functions param or secret per definition, of its kind", () => {
    const names = Object.keys(PARAMS).sort();
    expect(Object.keys(params).sort()).to.deep.equal(names);
    const declared = declaredParams.map((p) => p.name);
    for (const name of names) expect(declared, name).to.include(name);
    // The deploy manifest's view: the kind of each param and its default.
    const specs = Object.fromEntries(
      declaredParams.map((p) => [p.name, (p as unknown as Spec).toSpec()]),
    );
    expect(specs.PROVIDER).to.include({ type: "string", default: "avatar-sdk" });
    expect(specs.HEYGEN_POLL_CONCURRENCY).to.include({ type: "int", default: 4 });
    expect(specs.APP_CHECK_ENFORCED).to.include({ type: "boolean", default: false });
    expect(specs.HEYGEN_API_KEY).to.include({ type: "secret" });
  });

  it("gives every declared param and secret a local value, so the CLI never prompts", () => {
    const provided = [
      ...Object.keys(simulatedParams("demo-x")),
      ...Object.keys(SIMULATED_SECRETS),
    ].sort();
    expect(provided).to.deep.equal(Object.keys(PARAMS).sort());
    for (const [k, v] of Object.entries(SIMULATED_SECRETS))
      expect(v, k).to.be.a("string").with.length.above(0);
  });

  it("points the local stack at the simulators and keeps the other defaults", () => {
    const env = simulatedParams(TEST_PROJECT_ID);
    expect(env).to.include({
      STORAGE_BUCKET: `${TEST_PROJECT_ID}.appspot.com`,
      HEYGEN_API_BASE_URL: localUrl(PORTS.heygenApi),
      HEYGEN_UPLOAD_BASE_URL: localUrl(PORTS.heygenUpload),
      PROVIDER: "avatar-sdk",
      PROVIDER_API_BASE_URL: localUrl(PORTS.avatarSdk),
      VIDEO_STATUS_FRESH_SECONDS: "2",
      HEYGEN_POLL_CONCURRENCY: "4",
      APP_CHECK_ENFORCED: "false",
      CORS_ORIGINS: "",
    });
    expect(paramDefaults().VIDEO_STATUS_FRESH_SECONDS).to.equal(10);
  });

  it("switches provider params and key together", () => {
    const { params: p, secrets } = simulatedProviderConfig("didimo");
    expect(p).to.deep.equal({ PROVIDER: "didimo", PROVIDER_API_BASE_URL: localUrl(PORTS.didimo) });
    expect(secrets.PROVIDER_API_KEY).to.equal("sim-didimo-key");
    expect(SIMULATED_SECRETS.PROVIDER_API_KEY).to.equal("sim-client-id:sim-client-secret");
  });
});
