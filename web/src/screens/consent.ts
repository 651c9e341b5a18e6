/**
 * Consent: age confirmation and one choice per purpose, in plain words. The server
 * records it (`record_consent`: who, which purposes, its own time, the current
 * policy version and the minimum age); a purpose unticked after it was granted is
 * withdrawn (`withdraw_consent`), which stops its pending work and
 * deletes its inputs. The security rules forbid the page any write of its own.
 */
import type { ScreenContext } from "../main";
import { getMe, recordConsent, withdrawConsent, type ConsentPurpose } from "../api";
import { announce, errorBox, h, mount, showError } from "../ui/dom";

export const PURPOSES: readonly { id: ConsentPurpose; title: string; text: string }[] = [
  {
    id: "heygen_face",
    title: "Your photo for talking videos",
    text: "Your photo is sent to HeyGen, which turns it into a talking avatar of you. HeyGen keeps the avatar in your own folder there until you delete your data. Masky deletes its copy of the photo once your video is made (after a failed video, about a day later, so you can try again).",
  },
  {
    id: "heygen_voice",
    title: "Your voice for talking videos",
    text: "Your voice recording is converted to MP3 and sent to HeyGen to make the video speak; HeyGen keeps the MP3 until you untick this choice or delete your data. Masky deletes its copy of the recording once your video is made (after a failed video, about a day later, so you can try again).",
  },
  {
    id: "avatar_3d",
    title: "Your selfie for a 3D avatar",
    text: "Your selfie is sent to our 3D provider, which builds a 3D head from it. The selfie is deleted as soon as the head is made; the 3D model is kept in Masky's storage until the retention period ends or you delete your account.",
  },
  {
    id: "speech_timeline",
    title: "Your voice for your 3D avatar's lip-sync",
    text: "When your 3D avatar speaks with your voice, the recording is uploaded to Masky and analysed by Masky itself (it is never sent to anyone else) to find when you speak, which mouth shape you make and when. The recording is deleted as soon as that is done (unless a talking video still needs it); the result, which holds no sound, is kept for about a day, or until you untick this choice or delete your account.",
  },
];

export default async function consent(ctx: ScreenContext): Promise<void> {
  const me = await getMe();
  const age = h("input", { type: "checkbox", id: "age", checked: me.ageConfirmed });
  const granted = (id: ConsentPurpose) => me.consent[id].granted;
  const boxes = PURPOSES.map((p) => {
    const input = h("input", {
      type: "checkbox",
      id: `purpose-${p.id}`,
      name: "purpose",
      value: p.id,
      "aria-describedby": `purpose-${p.id}-text`,
      checked: granted(p.id),
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
      h("div", { class: "choice" }, age, h("label", { for: "age" }, `I am ${me.minimumAge} years old or older`)),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "What Masky may do with your data"),
      h(
        "p",
        { class: "muted" },
        "You can change these choices at any time on this page. Unticking a choice you gave stops its work and deletes the photos, recordings or selfies it covered.",
      ),
      ...boxes.map((b) => b.el),
    ),
    error,
    save,
  );
  mount("Your consent", form);

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!age.checked) {
      showError(
        error,
        `Masky is for people aged ${me.minimumAge} or older: please confirm your age.`,
      );
      age.focus();
      return;
    }
    const chosen = boxes.filter((b) => b.input.checked).map((b) => b.id);
    const withdrawn = boxes.filter((b) => !b.input.checked && granted(b.id)).map((b) => b.id);
    save.disabled = true;
    showError(error, null);
    saveChoices(me.policyVersion, chosen, withdrawn)
      .then(() => {
        announce("Your choices are saved.");
        // Back to the screen that asked for consent (a local path only), else the video.
        const next = new URLSearchParams(location.search).get("next") ?? "";
        ctx.navigate(/^\/[a-z]+$/.test(next) ? next : "/video");
      })
      .catch((err: Error) => showError(error, `Your choices were not saved: ${err.message}`))
      .finally(() => (save.disabled = false));
  });
}

/** Records the ticked purposes under the current policy and withdraws the unticked ones. */
async function saveChoices(
  policyVersion: string,
  chosen: ConsentPurpose[],
  withdrawn: ConsentPurpose[],
): Promise<void> {
  if (chosen.length) await recordConsent(policyVersion, chosen);
  for (const purpose of withdrawn) await withdrawConsent(purpose);
}
