import { expect } from "chai";
import functionsTest from "firebase-functions-test";
import { Timestamp } from "firebase-admin/firestore";
import { db } from "../helpers/admin";
import { waitForDoc } from "../helpers/firestore";
import { PROJECT_ID } from "../helpers/env";
import { useStack } from "../helpers/use-stack";

describe("on_user_created (Firestore onDocumentCreated)", () => {
  useStack({ fresh: { firestore: true } });

  it("is delivered by the emulator and stamps created_at on a new users document", async () => {
    const ref = db().doc("users/trigger-user-1");
    await ref.set({ heygenFolderId: "f1" });
    const data = await waitForDoc(ref, (d) => d?.created_at instanceof Timestamp);
    expect(data?.heygenFolderId).to.equal("f1");
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
