/** Log fields never carry secrets, tokens or signed URL signatures (src/logs.ts). */
import { expect } from "chai";
import { redact } from "../../src/logs";

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
