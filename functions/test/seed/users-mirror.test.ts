/**
 * The seed's `users` fields `age_confirmed` and `consent_selfie`, mirrored by the
 * server on `users/{uid}` from the consent it records (POST /api/me/consent, DELETE
 * /api/me/consent/avatar_3d), readable by the owner and never writable by a client
 * (firestore.rules, checked through the emulator with the rules as deployed).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { doc, getDoc, setDoc, updateDoc } from "firebase/firestore";
import { callFunction } from "../helpers/http";
import { createUser } from "../helpers/auth";
import { grantConsent } from "../helpers/consent";
import { db } from "../helpers/admin";
import { PROJECT_ID, emulators } from "../helpers/env";
import { useStack } from "../helpers/use-stack";

const mirror = async (uid: string) => {
  const d = (await db().doc(`users/${uid}`).get()).data();
  return { age_confirmed: d?.age_confirmed, consent_selfie: d?.consent_selfie };
};

describe("users/{uid}: the seed's age_confirmed and consent_selfie, server-written", function () {
  this.timeout(30000);
  let env: RulesTestEnvironment;
  before(async () => {
    const [host, port] = emulators.firestore().split(":");
    env = await initializeTestEnvironment({
      projectId: PROJECT_ID,
      firestore: {
        host,
        port: Number(port),
        rules: readFileSync(path.resolve(__dirname, "../../../firestore.rules"), "utf8"),
      },
    });
  });
  after(() => env.cleanup());
  useStack({ fresh: { firestore: true } });

  it("follow the recorded consent: a grant confirms the age; consent_selfie is the avatar_3d consent", async () => {
    const user = await createUser();
    await grantConsent(user, ["heygen_face"]);
    expect(await mirror(user.uid)).to.deep.equal({ age_confirmed: true, consent_selfie: false });

    await grantConsent(user, ["avatar_3d"]);
    expect(await mirror(user.uid)).to.deep.equal({ age_confirmed: true, consent_selfie: true });

    const withdrawn = await callFunction("me", "/api/me/consent/avatar_3d", {
      method: "DELETE",
      token: user.idToken,
    });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).to.equal(200);
    expect(await mirror(user.uid)).to.deep.equal({ age_confirmed: true, consent_selfie: false });

    // Another purpose's withdrawal leaves the selfie consent as it is.
    await grantConsent(user, ["avatar_3d"]);
    await callFunction("me", "/api/me/consent/heygen_face", {
      method: "DELETE",
      token: user.idToken,
    });
    expect(await mirror(user.uid)).to.deep.equal({ age_confirmed: true, consent_selfie: true });
  });

  it("are read by their owner and refused to every client write, the owner's included", async () => {
    const user = await createUser();
    await grantConsent(user, ["avatar_3d"]);
    await callFunction("me", "/api/me/consent/avatar_3d", {
      method: "DELETE",
      token: user.idToken,
    });
    const owner = env.authenticatedContext(user.uid).firestore();
    const ref = doc(owner, `users/${user.uid}`);
    const read = await assertSucceeds(getDoc(ref));
    expect(read.get("consent_selfie")).to.equal(false);
    expect(read.get("age_confirmed")).to.equal(true);
    // A client cannot give itself the selfie consent back, nor take the age confirmation.
    await assertFails(updateDoc(ref, { consent_selfie: true }));
    await assertFails(updateDoc(ref, { age_confirmed: false }));
    await assertFails(setDoc(ref, { consent_selfie: true }, { merge: true }));
    const other = env.authenticatedContext("someone-else").firestore();
    await assertFails(getDoc(doc(other, `users/${user.uid}`)));
    expect(await mirror(user.uid)).to.deep.equal({ age_confirmed: true, consent_selfie: false });
  });
});
