/**
 * v3 DELETE endpoints of the simulator (`DELETE /v3/videos/{id}`, `/v3/assets/{id}`,
 * `/v3/avatars/looks/{look_id}` and `/v3/avatars/{group_id}` in HeyGen's v3 API):
 * videos, assets, looks and groups are really removed from the model, so a test can
 * show that an object is gone upstream (a later GET answers 404). Deleting the last
 * look of a group also deletes the group, as HeyGen's v3 avatar reference says. Legacy
 * v1/v2 document no DELETE for any of these, so the simulator has none there either.
 */
import { promises as fsp } from "node:fs";
import type { SimModel } from "./model";
import { errorReply, ok, type SimRoute } from "./http";

export function v3DeleteRoutes(model: SimModel): SimRoute[] {
  const dropLook = (lookId: string) => {
    const look = model.looks.get(lookId);
    if (!look) return;
    model.looks.delete(lookId);
    const left = [...model.looks.values()].some((l) => l.groupId === look.groupId);
    if (!left) model.groups.delete(look.groupId);
  };
  return [
    {
      method: "DELETE",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/videos\/([a-f0-9]+)$/,
      async handle(_req, m) {
        const video = model.videos.get(m[1]);
        if (!video) return errorReply("v3", 404, "video_not_found", `Video ${m[1]} not found`);
        model.videos.delete(m[1]);
        await video.render?.catch(() => null);
        await fsp.rm(video.output, { force: true });
        return ok("v3", { id: m[1], deleted: true });
      },
    },
    {
      method: "DELETE",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/assets\/([A-Za-z0-9_-]+)$/,
      async handle(_req, m) {
        const asset = model.assets.get(m[1]);
        if (!asset) return errorReply("v3", 404, "asset_not_found", `Asset ${m[1]} not found`);
        model.assets.delete(m[1]);
        await fsp.rm(asset.file, { force: true });
        return ok("v3", { id: m[1], deleted: true });
      },
    },
    {
      method: "DELETE",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/avatars\/looks\/([A-Za-z0-9_-]+)$/,
      async handle(_req, m) {
        if (!model.looks.has(m[1]))
          return errorReply("v3", 404, "avatar_not_found", `Avatar look ${m[1]} not found`);
        dropLook(m[1]);
        return ok("v3", { id: m[1], deleted: true });
      },
    },
    {
      method: "DELETE",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/avatars\/([A-Za-z0-9_-]+)$/,
      async handle(_req, m) {
        if (!model.groups.has(m[1]))
          return errorReply("v3", 404, "not_found", `Avatar group ${m[1]} not found`);
        for (const look of [...model.looks.values()]) {
          if (look.groupId === m[1]) model.looks.delete(look.id);
        }
        model.groups.delete(m[1]);
        return ok("v3", { id: m[1], deleted: true });
      },
    },
  ];
}
