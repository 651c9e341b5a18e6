import { expect } from "chai";
import { allowedMethods, isOriginAllowed } from "../../src/http/cors";
import { basePathOf, matchPath, relativePath } from "../../src/http/router";
import { bearerToken } from "../../src/http/auth";
import { logUserId, redact } from "../../src/logs";

describe("http plumbing (pure parts)", () => {
  it("matches paths with params and strips the Hosting base path", () => {
    expect(matchPath("/:jobId", "/abc")).to.deep.equal({ jobId: "abc" });
    expect(matchPath("", "/")).to.deep.equal({});
    expect(matchPath("/:jobId", "/a/b")).to.equal(null);
    expect(relativePath("/avatar/jobs", "/avatar/jobs/abc")).to.equal("/abc");
    expect(relativePath("/avatar/jobs", "/abc")).to.equal("/abc");
    expect(relativePath("/avatar/jobs", "/avatar/jobsx")).to.equal("/avatar/jobsx");
  });

  it("takes a function's base path from its operations' paths, stopping at a parameter", () => {
    expect(basePathOf(["/api/me", "/api/me/consent", "/api/me/consent/:purpose"])).to.equal(
      "/api/me",
    );
    expect(basePathOf(["/avatar/jobs", "/avatar/jobs/:jobId"])).to.equal("/avatar/jobs");
    expect(basePathOf(["/avatar/assets/:assetId"])).to.equal("/avatar/assets");
    expect(basePathOf(["/api/heygen/generate"])).to.equal("/api/heygen/generate");
  });

  it("lists each allowed method once, OPTIONS last", () => {
    expect(allowedMethods(["GET", "DELETE", "GET"])).to.equal("GET, DELETE, OPTIONS");
  });

  it("allows configured origins, port-less entries for any port, and nothing else", () => {
    const allowed = ["https://app.example", "http://localhost"];
    expect(isOriginAllowed("https://app.example", allowed)).to.equal(true);
    expect(isOriginAllowed("http://localhost:5000", allowed)).to.equal(true);
    expect(isOriginAllowed("https://localhost:5000", allowed)).to.equal(false);
    expect(isOriginAllowed("https://app.example.evil.com", allowed)).to.equal(false);
    expect(isOriginAllowed("null", allowed)).to.equal(false);
    expect(isOriginAllowed("https://x", ["*"])).to.equal(true);
  });

  it("reads bearer tokens strictly", () => {
    expect(bearerToken("Bearer abc.def")).to.equal("abc.def");
    expect(bearerToken("bearer abc")).to.equal("abc");
    expect(bearerToken("Basic abc")).to.equal(null);
    expect(bearerToken(undefined)).to.equal(null);
  });

  it("redacts secrets and signed URL signatures from log fields", () => {
    const out = redact({
      apiKey: "k",
      headers: { Authorization: "Bearer t", "x-api-key": "k" },
      url: "https://s/b/o?X-Goog-Algorithm=GOOG4&X-Goog-Signature=abcdef&x=1",
      heygen: "https://files.heygen.ai/v.mp4?Expires=1&Signature=zzz&Key-Pair-Id=K",
      uid: "u1",
    }) as Record<string, unknown>;
    expect(out.apiKey).to.equal("[redacted]");
    expect(out.headers).to.deep.equal({ Authorization: "[redacted]", "x-api-key": "[redacted]" });
    expect(out.url).to.equal(
      "https://s/b/o?X-Goog-Algorithm=GOOG4&X-Goog-Signature=[redacted]&x=1",
    );
    expect(out.heygen).to.not.contain("zzz");
    expect(out.uid)
      .to.equal(logUserId("u1"))
      .and.match(/^u_[0-9a-f]{16}$/);
  });
});
