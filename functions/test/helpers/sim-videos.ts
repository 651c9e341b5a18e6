/**
 * Videos put straight into the HeyGen simulator's model (a folder's history, for list
 * and lookup tests): already failed, so reading them renders nothing, and added without
 * `addVideo`, so no webhook is sent for them.
 */
import { newId, type SimModel, type SimVideo } from "../../devtools/heygen-sim/model";
import { heygenSim } from "./servers";

/** The simulator's videos made for this project (it keeps other suites' videos). */
export const simVideosOf = (projectId: string): SimVideo[] =>
  [...heygenSim().model.videos.values()].filter((v) => v.callbackId === projectId);

/** Their ids. */
export const simVideoIdsOf = (projectId: string): string[] =>
  simVideosOf(projectId).map((v) => v.id);

export function addListedVideos(
  model: SimModel,
  folderId: string | null,
  titles: string[],
): string[] {
  return titles.map((title) => {
    const id = newId();
    model.videos.set(id, {
      id,
      api: "v2",
      title,
      callbackId: null,
      folderId,
      imageFile: null,
      audioFile: "",
      createdAt: Date.now(),
      output: model.videoFile(id),
      render: null,
      durationSeconds: null,
      failure: { code: 40119, message: "listed only" },
      renderError: null,
    });
    return id;
  });
}
