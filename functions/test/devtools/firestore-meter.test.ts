/**
 * The bench's Firestore meter against the emulator: what it counts for each kind of
 * operation is what Firestore bills (a write per document written, a read per document
 * returned, 1 for a missing document or an empty query).
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { installFirestoreMeter, meterFirestore } from "../../devtools/bench/firestore-meter";
import { db } from "../helpers/admin";

describe("bench Firestore meter: reads and writes counted on the wire", function () {
  this.timeout(20000);
  const col = () => db().collection(`meter-${randomUUID().slice(0, 8)}`);
  before(() => installFirestoreMeter());

  it("counts each write of a batch, a set and a transaction", async () => {
    const c = col();
    const batch = await meterFirestore(async () => {
      const b = db().batch();
      for (const id of ["a", "b", "c"]) b.set(c.doc(id), { n: 1 });
      await b.commit();
    });
    expect(batch).to.include({ writes: 3, reads: 0 });
    const tx = await meterFirestore(() =>
      db().runTransaction(async (t) => {
        const snap = await t.get(c.doc("a"));
        t.update(c.doc("a"), { n: (snap.get("n") as number) + 1 });
        t.set(c.doc("d"), { n: 0 });
      }),
    );
    expect(tx).to.include({ writes: 2, reads: 1 });
  });

  it("counts a read per document returned, and 1 for a missing document or an empty query", async () => {
    const c = col();
    await Promise.all(["a", "b"].map((id) => c.doc(id).set({ n: id })));
    expect(await meterFirestore(() => c.doc("a").get())).to.include({ reads: 1, writes: 0 });
    expect(await meterFirestore(() => c.doc("missing").get())).to.include({ reads: 1 });
    expect(await meterFirestore(() => c.get())).to.include({ reads: 2 });
    expect(await meterFirestore(() => c.where("n", "==", "zzz").get())).to.include({ reads: 1 });
    expect(await meterFirestore(() => db().getAll(c.doc("a"), c.doc("b"), c.doc("x")))).to.include({
      reads: 3,
    });
  });
});
