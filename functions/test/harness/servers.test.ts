/**
 * Suites declare their servers and provider (helpers/servers.ts, helpers/stack.ts):
 * nothing is reachable undeclared, a declared server stays usable in the suite's own
 * `after` hooks, and a provider switch is undone when the suite is over.
 */
import { expect } from "chai";
import { PORTS, localUrl } from "../../devtools/ports";
import { avatarSdkSim, heygenSim, storageServer, useServers } from "../helpers/servers";
import { activeProvider, useProvider } from "../helpers/stack";
import { testContext } from "../helpers/context";

describe("test servers: a suite that declares nothing", () => {
  it("reaches no server and has the stack's default provider", () => {
    expect(() => heygenSim()).to.throw(/not declared by this suite: add useServers\("heygen"\)/);
    expect(() => storageServer()).to.throw(/add useServers\("storage"\)/);
    expect(() => avatarSdkSim()).to.throw(/add useProvider\("avatar-sdk"\)/);
    expect(activeProvider()).to.equal("avatar-sdk");
  });
});

describe("test servers: a suite that declares the HeyGen simulator", () => {
  useServers("heygen");
  after(() => heygenSim().reset()); // its own after hooks still reach it

  it("reaches it on its fixed port, and only it", () => {
    expect(heygenSim().apiUrl).to.equal(localUrl(PORTS.heygenApi));
    expect(() => storageServer()).to.throw(/not declared/);
  });
});

describe("test servers: a suite on another provider", function () {
  this.timeout(60000);
  const sim = useProvider("in3d");

  it("runs that provider's simulator and points the functions and testContext at it", () => {
    expect(activeProvider()).to.equal("in3d");
    expect(sim().url).to.equal(localUrl(PORTS.in3d));
    expect(process.env.PROVIDER).to.equal("in3d");
    expect(testContext().config.provider).to.include({ name: "in3d", baseUrl: sim().url });
  });
});

describe("test servers: the suite after it", () => {
  it("finds the provider that was active before put back", () => {
    expect(activeProvider()).to.equal("avatar-sdk");
    expect(process.env.PROVIDER).to.equal("avatar-sdk");
    expect(testContext().config.provider.name).to.equal("avatar-sdk");
  });
});
