/**
 * The page's Content-Security-Policy: the deployed one (firebase.json) names no local
 * address; the local stacks' one (written by the harness) adds the emulators and lets
 * the page show the HeyGen simulator's presenter pictures and voice samples, and take
 * App Check tokens from the local issuer.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { localHosting, type HostingConfig } from "../../devtools/harness/hosting-config";
import { PORTS, localUrl } from "../../devtools/ports";
import { REPO_ROOT } from "../../devtools/repo-root";

interface FirebaseJson {
  hosting: HostingConfig;
  emulators: Record<string, { port?: number }>;
}

const firebaseJson = (): FirebaseJson =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, "firebase.json"), "utf8")) as FirebaseJson;

function csp(hosting: HostingConfig): Map<string, string[]> {
  const values = (hosting.headers ?? [])
    .flatMap((rule) => rule.headers)
    .filter((h) => h.key === "Content-Security-Policy")
    .map((h) => h.value);
  expect(values, "exactly one CSP header").to.have.length(1);
  return new Map(
    values[0]
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources] as [string, string[]]),
  );
}

describe("the page's Content-Security-Policy, deployed and local", () => {
  const simulator = localUrl(PORTS.heygenApi);

  it("deployed (firebase.json): no local address or plain-http source in any directive", () => {
    for (const [name, sources] of csp(firebaseJson().hosting)) {
      for (const source of sources) {
        expect(source, name).not.to.match(/localhost|127\.0\.0\.1|\[::1\]|^http:/i);
      }
    }
  });

  it("deployed: scripts from the origin and reCAPTCHA (App Check's provider, web/src/app-check.ts) only", () => {
    const deployed = csp(firebaseJson().hosting);
    expect(deployed.get("script-src")).to.deep.equal([
      "'self'",
      "https://www.google.com/recaptcha/",
      "https://www.gstatic.com/recaptcha/",
    ]);
    expect(deployed.get("connect-src")).to.include(
      "https://content-firebaseappcheck.googleapis.com",
    );
  });

  it("local: images and media also from the HeyGen simulator; the emulators reachable; the rest as deployed", () => {
    const { hosting, emulators } = firebaseJson();
    const deployed = csp(hosting);
    const local = csp(localHosting(hosting, emulators, path.join(REPO_ROOT, ".cache", "x")));
    expect(local.get("img-src")).to.include(simulator);
    expect(local.get("media-src")).to.include(simulator);
    // The page never calls the simulator's API: only its media are allowed.
    expect(local.get("connect-src")).not.to.include(simulator);
    expect(local.get("connect-src")).to.include(localUrl(emulators.auth?.port ?? 0));
    expect(local.get("connect-src")).to.include(localUrl(PORTS.storage));
    expect(local.get("connect-src")).to.include(localUrl(PORTS.appCheck));
    for (const [name, sources] of deployed) {
      expect(local.get(name), name).to.include.members(sources);
      if (!["connect-src", "img-src", "media-src"].includes(name)) {
        expect(local.get(name), name).to.deep.equal(sources);
      }
    }
    // The deployed configuration itself is left as it is.
    expect(csp(firebaseJson().hosting)).to.deep.equal(deployed);
  });
});
