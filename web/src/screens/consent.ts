/**
 * Consent: age confirmation and one choice per purpose, in plain words.
 *
 * Recording: the contract is `POST /api/me/consent {policyVersion, ageConfirmed,
 * purposes}` (server-recorded, per purpose). Until that endpoint exists on this
 * branch, the page records what the backend stores today: `users/{uid}`
 * `age_confirmed` and `consent_selfie` (a client write the security rules allow).
 */
import type { ScreenContext } from "../main";
import { getMe } from "../api";
import { firestore } from "../firebase";
import { announce, errorBox, h, mount, showError } from "../ui/dom";

export const PURPOSES = [
  {
    id: "heygen_face",
    title: "Your photo for talking videos",
    text: "Your photo is sent to HeyGen, which turns it into a talking avatar of you. HeyGen keeps it in your own folder there until you delete your data.",
  },
  {
    id: "heygen_voice",
    title: "Your voice for talking videos",
    text: "Your voice recording is converted to MP3 and sent to HeyGen to make the video speak. The recording stays in your Masky storage until you delete it.",
  },
  {
    id: "avatar_3d",
    title: "Your selfie for a 3D avatar",
    text: "Your selfie is sent to our 3D provider, which builds a 3D head from it. The 3D model is kept in Masky's storage until you delete it.",
  },
] as const;

export default async function consent(ctx: ScreenContext): Promise<void> {
  const me = await getMe();
  const age = h("input", { type: "checkbox", id: "age", checked: me.ageConfirmed });
  const boxes = PURPOSES.map((p) => {
    const input = h("input", {
      type: "checkbox",
      id: `purpose-${p.id}`,
      name: "purpose",
      value: p.id,
      "aria-describedby": `purpose-${p.id}-text`,
      checked: me.consentSelfie,
    });
    return {
      id: p.id,
      input,
      el: h(
        "div",
        { class: "choice" },
        input,
        h("label", { for: `purpose-${p.id}` }, p.title),
        h("p", { id: `purpose-${p.id}-text`, class: "muted" }, p.text),
      ),
    };
  });
  const error = errorBox();
  const save = h("button", { type: "submit", class: "primary" }, "Save my choices");
  const form = h(
    "form",
    {},
    h(
      "fieldset",
      {},
      h("legend", {}, "Your age"),
      h("div", { class: "choice" }, age, h("label", { for: "age" }, "I am 18 years old or older")),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "What Masky may do with your data"),
      h("p", { class: "muted" }, "You can change these choices at any time on this page."),
      ...boxes.map((b) => b.el),
    ),
    error,
    save,
  );
  mount("Your consent", form);

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!age.checked) {
      showError(error, "Masky is for people aged 18 or older: please confirm your age.");
      age.focus();
      return;
    }
    const granted = boxes.filter((b) => b.input.checked).map((b) => b.id);
    save.disabled = true;
    showError(error, null);
    recordConsent(ctx.user.uid, granted)
      .then(() => {
        announce("Your choices are saved.");
        ctx.navigate("/video");
      })
      .catch((err: Error) => showError(error, `Your choices were not saved: ${err.message}`))
      .finally(() => (save.disabled = false));
  });
}

/** Stores the choices where this backend reads them (see the module comment). */
async function recordConsent(uid: string, purposes: string[]): Promise<void> {
  const { db, fs } = await firestore();
  // consent_selfie covers face processing (HeyGen photo, 3D selfie); voice has no field yet.
  const faces = purposes.includes("heygen_face") || purposes.includes("avatar_3d");
  await fs.setDoc(
    fs.doc(db, "users", uid),
    { age_confirmed: true, consent_selfie: faces },
    { merge: true },
  );
}
