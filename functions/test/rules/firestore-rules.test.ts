import { readFileSync } from "node:fs";
import path from "node:path";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { doc, getDoc, setDoc, updateDoc, deleteDoc } from "firebase/firestore";
import { PROJECT_ID, emulators } from "../helpers/env";

describe("firestore.rules", () => {
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
  beforeEach(() => env.clearFirestore());
  after(() => env.cleanup());

  const seed = (
    fn: (
      db: ReturnType<RulesTestEnvironment["unauthenticatedContext"]>["firestore"],
    ) => Promise<void>,
  ) => env.withSecurityRulesDisabled(async (ctx) => fn(ctx.firestore() as never));

  describe("users/{uid}", () => {
    it("lets the owner read their document, nobody else", async () => {
      await seed(async (db) => {
        await setDoc(doc(db as never, "users/alice"), { created_at: new Date() });
      });
      const alice = env.authenticatedContext("alice").firestore();
      const bob = env.authenticatedContext("bob").firestore();
      await assertSucceeds(getDoc(doc(alice, "users/alice")));
      await assertFails(getDoc(doc(bob, "users/alice")));
      await assertFails(getDoc(doc(env.unauthenticatedContext().firestore(), "users/alice")));
    });

    it("refuses every client write of consent: server records, old booleans and other fields", async () => {
      const alice = env.authenticatedContext("alice").firestore();
      const grant = {
        heygen_face: {
          policyVersion: "2026-12-01",
          grantedAt: new Date(),
          minimumAgeConfirmed: 18,
          withdrawnAt: null,
        },
      };
      // Creating the document, with the server's consent map or the old client booleans.
      await assertFails(setDoc(doc(alice, "users/alice"), { consent: grant }));
      await assertFails(
        setDoc(doc(alice, "users/alice"), { age_confirmed: true, consent_selfie: true }),
      );
      await assertFails(setDoc(doc(alice, "users/alice"), {}));
      await seed(async (db) => {
        await setDoc(doc(db as never, "users/alice"), { created_at: new Date() });
      });
      // Updating an existing document.
      await assertFails(updateDoc(doc(alice, "users/alice"), { consent: grant }));
      await assertFails(
        updateDoc(doc(alice, "users/alice"), { "consent.avatar_3d.withdrawnAt": null }),
      );
      await assertFails(updateDoc(doc(alice, "users/alice"), { age_confirmed: true }));
      await assertFails(updateDoc(doc(alice, "users/alice"), { consent_selfie: true }));
      await assertFails(updateDoc(doc(alice, "users/alice"), { heygenFolderId: "mine" }));
      await assertFails(deleteDoc(doc(alice, "users/alice")));
      // The audit log is readable by its owner and written by the server only.
      await seed(async (db) => {
        await setDoc(doc(db as never, "users/alice/consent_log/e1"), { action: "grant" });
      });
      await assertSucceeds(getDoc(doc(alice, "users/alice/consent_log/e1")));
      await assertFails(
        getDoc(doc(env.authenticatedContext("bob").firestore(), "users/alice/consent_log/e1")),
      );
      await assertFails(setDoc(doc(alice, "users/alice/consent_log/e2"), { action: "grant" }));
      await assertFails(updateDoc(doc(alice, "users/alice/consent_log/e1"), { action: "x" }));
    });

    it("keeps heygenAvatarGroups readable by the owner and written by the server only", async () => {
      await seed(async (db) => {
        await setDoc(doc(db as never, "users/alice/heygenAvatarGroups/g1"), {
          avatar_group_id: "g",
        });
      });
      const alice = env.authenticatedContext("alice").firestore();
      await assertSucceeds(getDoc(doc(alice, "users/alice/heygenAvatarGroups/g1")));
      await assertFails(
        getDoc(
          doc(env.authenticatedContext("bob").firestore(), "users/alice/heygenAvatarGroups/g1"),
        ),
      );
      await assertFails(
        setDoc(doc(alice, "users/alice/heygenAvatarGroups/g2"), { avatar_group_id: "x" }),
      );
    });
  });

  describe("projects/{projectId}", () => {
    it("refuses every client create of a project (POST /api/projects creates, within the cap)", async () => {
      const alice = env.authenticatedContext("alice").firestore();
      await assertFails(
        setDoc(doc(alice, "projects/p1"), {
          userId: "alice",
          name: "Hello",
          voiceUrl: "users/alice/v.webm",
        }),
      );
      await assertFails(setDoc(doc(alice, "projects/p2"), { userId: "bob", name: "Not mine" }));
      await assertFails(
        setDoc(doc(alice, "projects/p3"), {
          userId: "alice",
          name: "X",
          heygenStatus: "completed",
        }),
      );
      await assertFails(setDoc(doc(alice, "projects/p4"), { userId: "alice", name: "" }));
    });

    it("hides other users' projects and refuses client writes to server fields", async () => {
      await seed(async (db) => {
        await setDoc(doc(db as never, "projects/p1"), {
          userId: "alice",
          name: "A",
          heygenStatus: "pending",
        });
      });
      const alice = env.authenticatedContext("alice").firestore();
      const bob = env.authenticatedContext("bob").firestore();
      await assertSucceeds(getDoc(doc(alice, "projects/p1")));
      await assertFails(getDoc(doc(bob, "projects/p1")));
      await assertSucceeds(updateDoc(doc(alice, "projects/p1"), { name: "Renamed" }));
      await assertFails(updateDoc(doc(alice, "projects/p1"), { heygenStatus: "completed" }));
      await assertFails(updateDoc(doc(alice, "projects/p1"), { userId: "bob" }));
      await assertFails(deleteDoc(doc(bob, "projects/p1")));
      // The owner deletes through DELETE /api/projects/{id} (it also removes the media).
      await assertFails(deleteDoc(doc(alice, "projects/p1")));
    });
  });

  for (const collection of ["avatar_jobs", "avatar_assets", "preferences"]) {
    describe(`${collection}/{id}`, () => {
      it("is readable by its owner only and never writable by a client", async () => {
        await seed(async (db) => {
          await setDoc(doc(db as never, `${collection}/d1`), {
            user_id: "alice",
            status: "queued",
          });
        });
        const alice = env.authenticatedContext("alice").firestore();
        await assertSucceeds(getDoc(doc(alice, `${collection}/d1`)));
        await assertFails(
          getDoc(doc(env.authenticatedContext("bob").firestore(), `${collection}/d1`)),
        );
        await assertFails(updateDoc(doc(alice, `${collection}/d1`), { status: "done" }));
        await assertFails(setDoc(doc(alice, `${collection}/d2`), { user_id: "alice" }));
      });
    });
  }
});
