import { expect } from "chai";
import functionsTest from "firebase-functions-test";
import { Timestamp } from "firebase-admin/firestore";
import { db } from "../helpers/admin";
import { waitForDoc } from "../helpers/firestore";
import { PROJECT_ID } from "../helpers/env";
import { useStack } from "../helpers/use-stack";
import { withUserLock } from "../../src/store/locks";
import { saveHeygenFolderId } from "../../src/store/users";

describe("on_user_created (Firestore onDocumentCreated)", () => {
  useStack({ fresh: { firestore: true } });

  it("is delivered by the emulator and stamps created_at on a new users document", async () => {
    const ref = db().doc("users/trigger-user-1");
    await ref.set({ heygenFolderId: "f1" });
    const data = await waitForDoc(ref, (d) => d?.created_at instanceof Timestamp);
    expect(data?.heygenFolderId).to.equal("f1");
  });

  it("a users document the HeyGen folder step creates is born with its created_at (no wait for the trigger)", async () => {
    // The presenter way needs no consent, so on API v2 the folder step can be the first
    // write of a user: GET /api/me and the export read created_at right after it.
    const born = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    await withUserLock(db(), "trigger-user-3", "heygen-folder", (lease) =>
      saveHeygenFolderId(lease, db(), "trigger-user-3", "f3", born),
    );
    const data = (await db().doc("users/trigger-user-3").get()).data();
    expect(data?.heygenFolderId).to.equal("f3");
    expect((data?.created_at as Timestamp | undefined)?.toDate()).to.deep.equal(born);
    // A user who already has one keeps it.
    await withUserLock(db(), "trigger-user-3", "heygen-folder", (lease) =>
      saveHeygenFolderId(lease, db(), "trigger-user-3", "f4", new Date()),
    );
    const again = (await db().doc("users/trigger-user-3").get()).data();
    expect(again?.heygenFolderId).to.equal("f4");
    expect((again?.created_at as Timestamp).toDate()).to.deep.equal(born);
  });

  describe("the exported handler, wrapped with firebase-functions-test", () => {
    const fft = functionsTest({ projectId: PROJECT_ID });
    after(() => fft.cleanup());

    it("never overwrites created_at when the event is delivered twice", async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { on_user_created } = require("../../lib/index") as typeof import("../../src/index");
      const wrapped = fft.wrap(on_user_created);
      const ref = db().doc("users/trigger-user-2");
      await ref.set({ heygenFolderId: "f2" });
      const snap = fft.firestore.makeDocumentSnapshot(
        { heygenFolderId: "f2" },
        "users/trigger-user-2",
      );
      const event = { data: snap, params: { uid: "trigger-user-2" } } as never;
      await wrapped(event);
      const first = (await ref.get()).get("created_at") as Timestamp;
      expect(first).to.be.instanceOf(Timestamp);
      await new Promise((r) => setTimeout(r, 20));
      await Promise.all([wrapped(event), wrapped(event)]);
      const again = (await ref.get()).get("created_at") as Timestamp;
      expect(again.isEqual(first)).to.equal(true);
    });
  });
});
