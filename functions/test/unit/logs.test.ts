import { z } from "zod";
/** Log fields never carry secrets, tokens, signed URL signatures or personal data (src/logs.ts). */
import { expect } from "chai";
import type { Request } from "firebase-functions/v2/https";
import type { Response } from "express";
import { log, logUserId, redact } from "../../src/logs";
import { createHttpsHandler } from "../../src/http/https-handler";
import { defineOperation } from "../../src/api/operation";
import type { OperationEntry } from "../../src/api/operations";
import { OPERATION_RUNTIME } from "../../src/runtime-options";
import type { AppContext } from "../../src/context";
import { captureLogs } from "../helpers/log-capture";

/** {a: {a: … {a: leaf}}} with `levels` objects around the leaf. */
function nested(levels: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe("log redaction", () => {
  it("redacts every secret-looking key, whatever its case", () => {
    const keys = [
      "Authorization",
      "idToken",
      "webhookSecret",
      "password",
      "apiKey",
      "api_key",
      "API-KEY",
      "signature",
      "Cookie",
      "credentials",
    ];
    const out = redact(Object.fromEntries(keys.map((k) => [k, "s3cr3t"]))) as Record<
      string,
      unknown
    >;
    for (const k of keys) expect(out[k], k).to.equal("[redacted]");
  });

  it("redacts signed URL signatures and tokens in strings, keeping the rest of the URL", () => {
    expect(
      redact(
        "get https://h/v.mp4?Expires=9&Signature=abc&Key-Pair-Id=K then https://s/o?X-Amz-Signature=def and ?access_token=ghi&token=jkl",
      ),
    ).to.equal(
      "get https://h/v.mp4?Expires=9&Signature=[redacted]&Key-Pair-Id=K then https://s/o?X-Amz-Signature=[redacted] and ?access_token=[redacted]&token=[redacted]",
    );
  });

  it("goes into arrays and errors", () => {
    expect(redact(["https://h/x?Signature=abc", { token: "t" }, 3])).to.deep.equal([
      "https://h/x?Signature=[redacted]",
      { token: "[redacted]" },
      3,
    ]);
    const err = new TypeError("fetch https://h/x?X-Goog-Signature=abc failed");
    expect(redact({ error: err })).to.deep.equal({
      error: { name: "TypeError", message: "fetch https://h/x?X-Goog-Signature=[redacted] failed" },
    });
  });

  it("leaves numbers, booleans, null and undefined as they are", () => {
    for (const v of [0, 42, true, false, null, undefined]) expect(redact(v)).to.equal(v);
    expect(redact({ n: 5, ok: true, none: null })).to.deep.equal({ n: 5, ok: true, none: null });
  });

  it("stops at depth 6: deeper values become [deep], in objects and arrays alike", () => {
    const url = "https://h/x?Signature=abc";
    expect(redact(nested(6, url))).to.deep.equal(nested(6, "https://h/x?Signature=[redacted]"));
    expect(redact(nested(7, url))).to.deep.equal(nested(7, "[deep]"));
    let arr: unknown = url;
    for (let i = 0; i < 7; i++) arr = [arr];
    let want: unknown = "[deep]";
    for (let i = 0; i < 7; i++) want = [want];
    expect(redact(arr)).to.deep.equal(want);
    let errs: unknown = new Error(url);
    for (let i = 0; i < 6; i++) errs = [errs];
    let wantErr: unknown = { name: "Error", message: "[deep]" };
    for (let i = 0; i < 6; i++) wantErr = [wantErr];
    expect(redact(errs)).to.deep.equal(wantErr);
  });
});

describe("logs carry no personal data", () => {
  const uid = "Xq3kT9vLmP2sR7wYb1cN4dF6gH8j";
  const email = "ada.lovelace@example.com";

  it("a user is logged as a stable pseudonym that is not the uid", () => {
    const p = logUserId(uid);
    expect(p).to.match(/^u_[0-9a-f]{16}$/);
    expect(p).to.not.contain(uid);
    expect(logUserId(uid)).to.equal(p);
    expect(logUserId(`${uid}x`)).to.not.equal(p);
    expect(logUserId(p)).to.equal(p); // already a pseudonym: not hashed twice
  });

  it("uid fields become pseudonyms and e-mail fields are removed, whatever the call site passed", () => {
    const out = redact({
      uid,
      userId: uid,
      user_id: uid,
      email,
      userEmail: email,
      nested: [{ uid }],
      count: 3,
    });
    expect(out).to.deep.equal({
      uid: logUserId(uid),
      userId: logUserId(uid),
      user_id: logUserId(uid),
      email: "[redacted]",
      userEmail: "[redacted]",
      nested: [{ uid: logUserId(uid) }],
      count: 3,
    });
  });

  it("strings lose e-mail addresses and uids in per-user Storage paths and HeyGen names, not API paths", () => {
    const p = logUserId(uid);
    expect(
      redact(
        `No such object: bucket/users/${uid}/photos/1.jpg; selfies/${uid}/j1.jpg and videos/${uid}/p1.mp4; folder masky_${uid}; mail ${email}`,
      ),
    ).to.equal(
      `No such object: bucket/users/${p}/photos/1.jpg; selfies/${p}/j1.jpg and videos/${p}/p1.mp4; folder masky_${p}; mail [email]`,
    );
    expect(redact("GET /v3/videos/vid123 500")).to.equal("GET /v3/videos/vid123 500");
    expect(redact({ error: new Error(`users/${uid}/a.webm does not exist`) })).to.deep.equal({
      error: { name: "Error", message: `users/${p}/a.webm does not exist` },
    });
  });

  it("an HTTPS request's log lines (the access line and a 500 with its cause) carry the pseudonym, never the uid or e-mail", async () => {
    const fakeApp = {
      config: { corsOrigins: [], params: { APP_CHECK_ENFORCED: false } },
      auth: { verifyIdToken: async () => ({ uid, email }) },
    } as unknown as AppContext;
    const entry: OperationEntry = {
      auth: "user",
      callable: true,
      appCheck: true,
      summary: "probe",
      method: "POST",
      path: "/probe",
      https: "probe",
      runtime: OPERATION_RUNTIME.json,
      secrets: [],
      load: async () =>
        defineOperation({
          input: z.object({}),
          responses: [{ status: 200, description: "never answered", schema: z.object({}) }],
          doc: { errors: [] },
          run: async (_ctx, user) => {
            log.info("probe handling", { uid: user.uid, email: user.email });
            throw new Error(`download of users/${user.uid}/voice/1.webm for ${user.email} failed`);
          },
        }),
    };
    const handler = createHttpsHandler(
      "probe",
      { basePath: "/probe", routes: [{ name: "probe", entry, path: "" }] },
      () => fakeApp,
    );
    const res = fakeResponse();
    const { text } = await captureLogs(() =>
      handler(
        {
          method: "POST",
          path: "/probe",
          headers: { authorization: "Bearer t" },
          get: (name: string) => (name.toLowerCase() === "authorization" ? "Bearer t" : undefined),
          query: {},
          body: {},
        } as unknown as Request,
        res as unknown as Response,
      ),
    );
    expect(res.statusCode).to.equal(500);
    const lines = text.trim().split("\n");
    expect(lines.length).to.be.greaterThanOrEqual(3);
    expect(text).to.not.contain(uid);
    expect(text).to.not.contain(email);
    expect(text).to.contain(logUserId(uid));
    const access = lines
      .map((l) => JSON.parse(l))
      .find((l) => l.message === "probe POST /probe 500");
    expect(access?.user).to.equal(logUserId(uid));
  });
});

function fakeResponse() {
  const res = {
    statusCode: 200,
    headersSent: false,
    headers: {} as Record<string, string>,
    setHeader(k: string, v: string) {
      res.headers[k] = v;
    },
    status(code: number) {
      res.statusCode = code;
      return res;
    },
    json() {
      res.headersSent = true;
      return res;
    },
    end() {
      res.headersSent = true;
      return res;
    },
  };
  return res;
}
