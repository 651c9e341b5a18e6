/**
 * Upstream downloads (provider models, HeyGen videos) under a policy: host allowlist,
 * redirects only inside it, credentials only to their own host, a byte cap, one timeout.
 * Two real local servers play the allowed host and another host.
 */
import { expect } from "chai";
import http from "node:http";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import {
  DownloadRefused,
  guardedGet,
  hostAllowed,
  type DownloadPolicy,
} from "../../src/clients/http/guarded-download";
import { downloadToFile } from "../../src/clients/providers/http";
import { ProviderError } from "../../src/clients/providers/types";

type Seen = { path: string; authorization?: string };

async function server(handler: http.RequestListener) {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const host = `127.0.0.1:${(s.address() as AddressInfo).port}`;
  return { seen, host, url: `http://${host}`, close: () => new Promise((r) => s.close(r)) };
}

async function refusal(p: Promise<unknown>): Promise<DownloadRefused> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(DownloadRefused);
  return err as DownloadRefused;
}

describe("guarded downloads", () => {
  let other: Awaited<ReturnType<typeof server>>;
  let api: Awaited<ReturnType<typeof server>>;
  before(async () => {
    other = await server((_req, res) => res.end("from the other host"));
    api = await server((req, res) => {
      const u = new URL(req.url ?? "/", "http://x");
      if (u.pathname === "/to-other") {
        res.writeHead(302, { Location: `${other.url}/stolen` });
        return void res.end();
      }
      if (u.pathname === "/to-self") {
        res.writeHead(302, { Location: "/file" });
        return void res.end();
      }
      if (u.pathname === "/slow") {
        res.writeHead(200);
        res.write("a");
        return void setTimeout(() => res.end("b"), 2000);
      }
      if (u.pathname === "/big") {
        res.writeHead(200, { "Content-Length": String(5000) });
        return void res.end(Buffer.alloc(5000));
      }
      if (u.pathname === "/chunked-big") {
        res.writeHead(200);
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000));
        return void res.end();
      }
      res.end("model bytes");
    });
  });
  after(async () => {
    await api.close();
    await other.close();
  });
  const policy = (p: Partial<DownloadPolicy> = {}): DownloadPolicy => ({
    what: "The test download",
    allowedHosts: [api.host],
    credentials: { host: api.host, headers: { Authorization: "Bearer secret-token" } },
    maxBytes: 4096,
    timeoutMs: 5000,
    ...p,
  });
  const read = async (url: string, p = policy()) => {
    const res = await guardedGet(url, p);
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c as Buffer);
    return { status: res.status, text: Buffer.concat(chunks).toString() };
  };

  it("matches hosts exactly, by host:port, or by *.suffix, and https unless loopback", () => {
    const allowed = ["*.heygen.ai", "api.avatarsdk.com", "127.0.0.1:9310"];
    expect(hostAllowed(new URL("https://files2.heygen.ai/x.mp4"), allowed)).to.equal(true);
    expect(hostAllowed(new URL("https://heygen.ai.evil.example/x"), allowed)).to.equal(false);
    expect(hostAllowed(new URL("https://evilheygen.ai/x"), allowed)).to.equal(false);
    expect(hostAllowed(new URL("http://files2.heygen.ai/x.mp4"), allowed)).to.equal(false);
    expect(hostAllowed(new URL("https://api.avatarsdk.com/exports/1/"), allowed)).to.equal(true);
    expect(hostAllowed(new URL("http://127.0.0.1:9310/media/v.mp4"), allowed)).to.equal(true);
    expect(hostAllowed(new URL("http://127.0.0.1:9311/media/v.mp4"), allowed)).to.equal(false);
    expect(hostAllowed(new URL("file:///etc/passwd"), ["*"])).to.equal(false);
  });

  it("downloads from an allowed host with its credentials, following a redirect inside the list", async () => {
    expect(await read(`${api.url}/to-self`)).to.deep.equal({ status: 200, text: "model bytes" });
    expect(api.seen.filter((s) => s.path === "/file")[0]?.authorization).to.equal(
      "Bearer secret-token",
    );
  });

  it("refuses a host outside the list before any request, and a redirect out of it", async () => {
    const before = other.seen.length;
    const direct = await refusal(read(`${other.url}/x`));
    expect(direct.reason).to.equal("host");
    expect(direct.message).to.match(/not an allowed download host/);
    const redirected = await refusal(read(`${api.url}/to-other`));
    expect(redirected.reason).to.equal("host");
    expect(other.seen.length).to.equal(before);
  });

  it("never sends the credentials to another allowed host a redirect names", async () => {
    const both = policy({ allowedHosts: [api.host, other.host] });
    expect((await read(`${api.url}/to-other`, both)).text).to.equal("from the other host");
    const stolen = other.seen.find((s) => s.path === "/stolen");
    expect(stolen).to.not.equal(undefined);
    expect(stolen?.authorization).to.equal(undefined);
  });

  it("caps the size (declared and streamed) and the whole transfer's time", async () => {
    expect((await refusal(read(`${api.url}/big`))).reason).to.equal("too_large");
    expect((await refusal(read(`${api.url}/chunked-big`))).reason).to.equal("too_large");
    const slow = await refusal(read(`${api.url}/slow`, policy({ timeoutMs: 300 })));
    expect(slow.reason).to.equal("timeout");
    expect(slow.message).to.match(/took longer than 0.3 s/);
  });

  it("a provider download outside its hosts fails the job with a message naming the param", async () => {
    const target = path.join(mkdtempSync(path.join(os.tmpdir(), "masky-guard-")), "m.glb");
    const err = await downloadToFile("Didimo's package download", `${other.url}/p.zip`, target, {
      allowedHosts: [api.host],
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ProviderError);
    expect(err).to.include({ kind: "unsupported" });
    expect((err as Error).message).to.match(
      /not an allowed download host.*PROVIDER_DOWNLOAD_HOSTS/,
    );
  });
});
