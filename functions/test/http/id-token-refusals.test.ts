/**
 * A refused ID token answers 401, and the server's log line says why in the Admin SDK's
 * own code (never the token). A token older than its account's `validSince` is refused
 * as revoked: on the Auth emulator the Admin SDK checks revocation for every token.
 */
import { expect } from "chai";
import { callFunction } from "../helpers/http";
import { createUser } from "../helpers/auth";
import { adminAuth } from "../helpers/admin";
import { captureLogs } from "../helpers/log-capture";
import { authenticate } from "../../src/http/auth";
import { ApiError } from "../../src/errors";

const authTimeOf = (idToken: string): number =>
  (JSON.parse(Buffer.from(idToken.split(".")[1], "base64url").toString()) as { auth_time: number })
    .auth_time;

describe("ID tokens the Admin SDK refuses: 401, and the log names its code", function () {
  this.timeout(30000);

  it("a token issued before the account's validSince is refused as revoked; the log says auth/id-token-revoked, not the token", async () => {
    const user = await createUser();
    expect(await authenticate(adminAuth(), `Bearer ${user.idToken}`)).to.include({
      uid: user.uid,
    });
    // validSince moves to the current whole second, after the token's sign-in second.
    while (Math.floor(Date.now() / 1000) <= authTimeOf(user.idToken)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await adminAuth().revokeRefreshTokens(user.uid);

    const { result, text } = await captureLogs(() =>
      authenticate(adminAuth(), `Bearer ${user.idToken}`).catch((e: unknown) => e),
    );
    expect(result).to.be.instanceOf(ApiError);
    expect((result as ApiError).code).to.equal("UNAUTHENTICATED");
    expect((result as ApiError).message).to.match(/not valid/);
    expect(text).to.match(/ID token refused/);
    expect(text).to.contain("auth/id-token-revoked");
    expect(text).not.to.contain(user.idToken);
    expect(text).not.to.contain(user.idToken.split(".")[1]);

    const res = await callFunction("me", "/api/me", { token: user.idToken });
    expect(res.status).to.equal(401);
    expect(res.body).to.deep.include({ error: "UNAUTHENTICATED" });
  });

  it("a malformed token: the log names the Admin SDK's argument error", async () => {
    const { result, text } = await captureLogs(() =>
      authenticate(adminAuth(), "Bearer not-a-token").catch((e: unknown) => e),
    );
    expect((result as ApiError).code).to.equal("UNAUTHENTICATED");
    expect(text).to.contain("auth/argument-error");
    expect(text).not.to.contain("not-a-token");
  });
});
