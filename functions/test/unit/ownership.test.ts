/**
 * The ownership decisions (src/store/ownership.ts): a document is the caller's only when
 * its owner is their uid, anything else is the same 404; a HeyGen video id is theirs
 * through their own project; a look id through their look of the API version in use; an
 * explicit avatar id must be theirs, the fallback or in the public catalogue.
 */
import { expect } from "chai";
import {
  avatarIdUse,
  firstOwned,
  hasLookOfVersion,
  ownedBy,
  ownedOrNotFound,
} from "../../src/store/ownership";
import { rejectedApiError, thrownApiError } from "../helpers/api-errors";

interface Doc {
  userId?: string | null;
  n: number;
}
const owner = (d: Doc) => d.userId;

const notFoundOf = (fn: () => unknown) => thrownApiError(fn, "expected 404");

describe("ownedBy and ownedOrNotFound: a document is the caller's", () => {
  it("answers the caller's own document", () => {
    const doc = { userId: "u1", n: 1 };
    expect(ownedBy("u1", "u1")).to.equal(true);
    expect(ownedOrNotFound(doc, owner, "u1", "Project p1")).to.equal(doc);
  });

  it("answers the same 404 for another user's, an ownerless and a missing document", () => {
    const messages = [
      notFoundOf(() => ownedOrNotFound({ userId: "u2", n: 1 }, owner, "u1", "Project p1")),
      notFoundOf(() => ownedOrNotFound({ userId: null, n: 1 }, owner, "u1", "Project p1")),
      notFoundOf(() => ownedOrNotFound({ n: 1 }, owner, "u1", "Project p1")),
      notFoundOf(() => ownedOrNotFound<Doc>(null, owner, "u1", "Project p1")),
      notFoundOf(() => ownedOrNotFound<Doc>(undefined, owner, "u1", "Project p1")),
    ].map((e) => [e.code, e.status, e.message]);
    for (const m of messages)
      expect(m).to.deep.equal(["NOT_FOUND", 404, "Project p1 was not found, or it is not yours."]);
  });

  it("an empty owner is nobody's, not a match for an empty uid's absence", () => {
    expect(ownedBy(undefined, "u1")).to.equal(false);
    expect(ownedBy("", "u1")).to.equal(false);
    expect(ownedBy("u1", "u12")).to.equal(false);
  });
});

describe("firstOwned: a HeyGen video id is the caller's through their project", () => {
  it("answers the caller's project among those naming the video", () => {
    const items = [
      { userId: "u2", n: 1 },
      { userId: "u1", n: 2 },
      { userId: "u1", n: 3 },
    ];
    expect(firstOwned(items, owner, "u1")).to.equal(items[1]);
  });

  it("answers nothing when no project naming it is theirs", () => {
    expect(firstOwned([{ userId: "u2", n: 1 }], owner, "u1")).to.equal(undefined);
    expect(firstOwned<Doc>([], owner, "u1")).to.equal(undefined);
  });
});

describe("hasLookOfVersion: a look id is the caller's", () => {
  const looks = [{ apiVersion: "v2" }];
  it("only a look of the API version in use counts; no version asked: any look", () => {
    expect(hasLookOfVersion(looks, "v2")).to.equal(true);
    expect(hasLookOfVersion(looks, "v3")).to.equal(false);
    expect(hasLookOfVersion(looks, undefined)).to.equal(true);
    expect(hasLookOfVersion([], undefined)).to.equal(false);
    expect(hasLookOfVersion([{ apiVersion: "v3" }, { apiVersion: "v2" }], "v2")).to.equal(true);
  });
});

describe("avatarIdUse: an explicit heygenAvatarId", () => {
  const catalogue = (ids: string[]) => {
    const asked: number[] = [];
    return { asked, inCatalogue: async () => (asked.push(1), ids.includes("pub")) };
  };

  const cases = [
    {
      what: "one of the caller's looks is their own, without asking the catalogue",
      id: "look1",
      ownLook: true,
      fallbackAvatarId: "look1",
      public: ["pub"],
      use: "own",
      asked: 0,
    },
    {
      what: "the configured fallback is public, without asking the catalogue",
      id: "fb",
      ownLook: false,
      fallbackAvatarId: "fb",
      public: [],
      use: "public",
      asked: 0,
    },
    {
      what: "an id in the public catalogue is public",
      id: "pub",
      ownLook: false,
      fallbackAvatarId: null,
      public: ["pub"],
      use: "public",
      asked: 1,
    },
  ];
  for (const t of cases) {
    it(t.what, async () => {
      const c = catalogue(t.public);
      const use = await avatarIdUse(t.id, {
        ownLook: t.ownLook,
        fallbackAvatarId: t.fallbackAvatarId,
        inCatalogue: c.inCatalogue,
      });
      expect(use).to.equal(t.use);
      expect(c.asked).to.have.length(t.asked);
    });
  }

  it("anything else, another user's look included, is 404 and never sent on", async () => {
    const err = await rejectedApiError(
      avatarIdUse("theirs", {
        ownLook: false,
        fallbackAvatarId: "fb",
        inCatalogue: async () => false,
      }),
      "expected 404",
    );
    expect(err.code).to.equal("NOT_FOUND");
    expect(err.message).to.equal(
      "Avatar theirs is not in HeyGen's public catalogue and is not one of your photo avatars; pick one from GET /api/heygen/avatars.",
    );
  });
});
