/**
 * The consent guard decided without Firestore (src/store/consent-records.ts,
 * src/services/consent/consent-decisions.ts): what the stored records say per purpose,
 * policy version and minimum age, what a grant or a withdrawal writes, the 403 that names
 * what is missing, and which purposes a generate needs.
 */
import { expect } from "chai";
import { Timestamp } from "firebase-admin/firestore";
import {
  consentRefusal,
  consentRequiredError,
  generatePurposesFor,
  missingFrom,
} from "../../src/services/consent/consent-decisions";
import {
  consentState,
  grantDecision,
  isGranted,
  parseConsentRecords,
  withdrawalUpdate,
  type ConsentRecord,
  type ConsentRecords,
} from "../../src/store/consent-records";

const POLICY = { policyVersion: "2026-11", minimumAge: 18 };
const GRANTED_AT = Timestamp.fromDate(new Date("2026-11-20T10:00:00.000Z"));
const AT = new Date("2026-12-01T12:00:00.000Z");

const record = (over: Partial<ConsentRecord> = {}): ConsentRecord => ({
  policyVersion: POLICY.policyVersion,
  grantedAt: GRANTED_AT,
  minimumAgeConfirmed: POLICY.minimumAge,
  withdrawnAt: null,
  ...over,
});

describe("isGranted: a purpose's record under the current policy", () => {
  it("is granted under the current version with the minimum age confirmed, not withdrawn", () => {
    expect(isGranted(record(), POLICY)).to.equal(true);
    expect(isGranted(record({ minimumAgeConfirmed: 21 }), POLICY)).to.equal(true);
    expect(isGranted(record({ withdrawnAt: undefined }), POLICY)).to.equal(true);
  });

  it("is not granted without a record, under another version, below the age, or withdrawn", () => {
    expect(isGranted(undefined, POLICY)).to.equal(false);
    expect(isGranted(record({ policyVersion: "2026-01" }), POLICY)).to.equal(false);
    expect(isGranted(record({ minimumAgeConfirmed: 17 }), POLICY)).to.equal(false);
    expect(isGranted(record({ withdrawnAt: Timestamp.fromDate(AT) }), POLICY)).to.equal(false);
  });
});

describe("parseConsentRecords: the stored records, read leniently", () => {
  it("reads each well-formed purpose and skips a malformed or unknown one", () => {
    const records = parseConsentRecords({
      consent: {
        heygen_face: record(),
        heygen_voice: { policyVersion: 3 },
        other: record(),
      },
    });
    expect(Object.keys(records)).to.deep.equal(["heygen_face"]);
    expect(records.heygen_face?.policyVersion).to.equal(POLICY.policyVersion);
  });

  it("a record whose grant time is not a stored timestamp is not recorded", () => {
    const records = parseConsentRecords({
      consent: { heygen_face: { ...record(), grantedAt: "2026-11-20T10:00:00.000Z" } },
    });
    expect(records).to.deep.equal({});
  });

  it("reads no records from a missing document or a consent that is not an object", () => {
    expect(parseConsentRecords(undefined)).to.deep.equal({});
    expect(parseConsentRecords({})).to.deep.equal({});
    expect(parseConsentRecords({ consent: null })).to.deep.equal({});
    expect(parseConsentRecords({ consent: "yes" })).to.deep.equal({});
  });
});

describe("consentState: what the API shows", () => {
  it("shows each purpose granted or not, with its version and grant time", () => {
    const records: ConsentRecords = {
      heygen_face: record(),
      avatar_3d: record({ policyVersion: "old" }),
    };
    expect(consentState(records, POLICY)).to.deep.equal({
      heygen_face: {
        granted: true,
        policyVersion: POLICY.policyVersion,
        grantedAt: "2026-11-20T10:00:00.000Z",
      },
      heygen_voice: { granted: false, policyVersion: null, grantedAt: null },
      avatar_3d: { granted: false, policyVersion: "old", grantedAt: "2026-11-20T10:00:00.000Z" },
      speech_timeline: { granted: false, policyVersion: null, grantedAt: null },
    });
  });
});

describe("grantDecision: what a grant writes", () => {
  it("records each purpose afresh under the policy, keeping the other records", () => {
    const current: ConsentRecords = { heygen_voice: record({ policyVersion: "old" }) };
    const g = grantDecision(current, ["heygen_face"], POLICY, AT);
    expect(g.consent).to.deep.equal({
      heygen_face: {
        policyVersion: POLICY.policyVersion,
        minimumAgeConfirmed: 18,
        withdrawnAt: null,
        grantedAt: AT,
      },
    });
    expect(g.written.heygen_voice).to.equal(current.heygen_voice);
    expect(g.written.heygen_face?.grantedAt.toMillis()).to.equal(AT.getTime());
    expect(isGranted(g.written.heygen_face, POLICY)).to.equal(true);
    expect(current).to.not.have.property("heygen_face");
  });

  it("a withdrawn purpose granted again is no longer withdrawn", () => {
    const current = { heygen_face: record({ withdrawnAt: GRANTED_AT }) };
    const g = grantDecision(current, ["heygen_face"], POLICY, AT);
    expect(g.written.heygen_face?.withdrawnAt).to.equal(null);
  });

  it("the seed's mirror: age confirmed on every grant; the selfie follows avatar_3d", () => {
    expect(grantDecision({}, ["heygen_face"], POLICY, AT).mirror).to.deep.equal({
      age_confirmed: true,
      consent_selfie: false,
    });
    expect(grantDecision({}, ["avatar_3d"], POLICY, AT).mirror).to.deep.equal({
      age_confirmed: true,
      consent_selfie: true,
    });
    // An earlier avatar_3d grant still counts when another purpose is granted.
    expect(
      grantDecision({ avatar_3d: record() }, ["heygen_voice"], POLICY, AT).mirror.consent_selfie,
    ).to.equal(true);
  });
});

describe("withdrawalUpdate: what a withdrawal writes", () => {
  const data = { consent: { heygen_face: record(), avatar_3d: record() } };

  it("marks a recorded purpose withdrawn", () => {
    expect(withdrawalUpdate(data, true, "heygen_face", AT)).to.deep.equal({
      "consent.heygen_face.withdrawnAt": AT,
    });
  });

  it("withdrawing avatar_3d also clears the seed's consent_selfie", () => {
    expect(withdrawalUpdate(data, true, "avatar_3d", AT)).to.deep.equal({
      "consent.avatar_3d.withdrawnAt": AT,
      consent_selfie: false,
    });
    expect(withdrawalUpdate({}, true, "avatar_3d", AT)).to.deep.equal({ consent_selfie: false });
  });

  it("writes nothing without a record, and never creates a user document", () => {
    expect(withdrawalUpdate(data, true, "heygen_voice", AT)).to.equal(null);
    expect(withdrawalUpdate(undefined, false, "avatar_3d", AT)).to.equal(null);
  });
});

describe("missingFrom and consentRefusal: the guard", () => {
  const records: ConsentRecords = {
    heygen_face: record(),
    heygen_voice: record({ policyVersion: "old" }),
  };

  it("names each purpose not granted once, in the order asked", () => {
    expect(
      missingFrom(records, ["avatar_3d", "heygen_face", "heygen_voice"], POLICY),
    ).to.deep.equal(["avatar_3d", "heygen_voice"]);
    expect(missingFrom(records, ["heygen_voice", "heygen_voice"], POLICY)).to.deep.equal([
      "heygen_voice",
    ]);
    expect(missingFrom(records, ["heygen_face"], POLICY)).to.deep.equal([]);
  });

  it("refuses with 403 CONSENT_REQUIRED naming what is missing, or lets it pass", () => {
    expect(consentRefusal(records, ["heygen_face"], POLICY)).to.equal(null);
    expect(consentRefusal(records, [], POLICY)).to.equal(null);
    const err = consentRefusal(records, ["heygen_face", "heygen_voice", "avatar_3d"], POLICY);
    expect(err?.code).to.equal("CONSENT_REQUIRED");
    expect(err?.status).to.equal(403);
    expect(err?.details).to.deep.equal({
      missing: ["heygen_voice", "avatar_3d"],
      policyVersion: POLICY.policyVersion,
    });
  });

  it("the refusal says how to record consent", () => {
    const err = consentRequiredError(["heygen_voice", "avatar_3d"], POLICY);
    expect(err.message).to.equal(
      "Consent is required for heygen_voice, avatar_3d under policy version 2026-11: " +
        "confirm you are at least 18 and record it with POST /api/me/consent " +
        '{"policyVersion": "2026-11", "ageConfirmed": true, "purposes": ["heygen_voice", "avatar_3d"]}.',
    );
  });
});

describe("generatePurposesFor: what a generate sends to HeyGen", () => {
  it("a recorded voice needs heygen_voice; a HeyGen voice needs nothing", () => {
    expect(generatePurposesFor({ voice: "recorded", avatarId: "public" })).to.deep.equal([
      "heygen_voice",
    ]);
    expect(generatePurposesFor({ voice: "tts", avatarId: "public" })).to.deep.equal([]);
  });

  it("the user's face: their own look, or a photo when no avatar id is given", () => {
    expect(generatePurposesFor({ voice: "tts", avatarId: "own" })).to.deep.equal(["heygen_face"]);
    expect(generatePurposesFor({ voice: "tts", photoUrl: "gs://b/u/p.png" })).to.deep.equal([
      "heygen_face",
    ]);
    expect(generatePurposesFor({ voice: "recorded", avatarId: "own" })).to.deep.equal([
      "heygen_voice",
      "heygen_face",
    ]);
  });

  it("a public avatar id overrides a photo; no id and no photo needs no face", () => {
    expect(
      generatePurposesFor({ voice: "tts", avatarId: "public", photoUrl: "gs://b/u/p.png" }),
    ).to.deep.equal([]);
    expect(generatePurposesFor({ voice: "tts", photoUrl: null })).to.deep.equal([]);
    expect(generatePurposesFor({ voice: "tts", photoUrl: "" })).to.deep.equal([]);
    expect(generatePurposesFor({ voice: "tts" })).to.deep.equal([]);
  });
});
