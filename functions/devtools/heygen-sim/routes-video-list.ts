/**
 * The video lists of the simulator. v3 `GET /v3/videos`: `limit` up to 100, `token`,
 * `folder_id`, and `title` (HeyGen does not say how it matches; here a substring, so a
 * title marker finds its videos), newest first. Legacy `GET /v1/video.list` (HeyGen's List Videos reference): the v1
 * envelope, `limit` 0–100, `folder_id` filter, and an opaque `token` passed back until it
 * is null. Videos come newest first (HeyGen does not document an order; the client's
 * bounded title lookup relies on it, and this is where that choice is made visible).
 */
import { errorReply, ok, type SimRoute } from "./http";
import type { SimModel } from "./model";
import { page } from "./routes-v3";

/** What `limit` is when left out (not documented; HeyGen's own lists default to 10–100). */
const DEFAULT_LIMIT = 100;

const encodeToken = (offset: number): string =>
  Buffer.from(`offset:${offset}`, "utf8").toString("base64url");

function decodeToken(token: string): number | null {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return m ? Number(m[1]) : null;
}

export function videoListRoutes(model: SimModel): SimRoute[] {
  return [
    {
      method: "GET",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/videos$/,
      async handle(req) {
        const title = req.query.get("title");
        const folderId = req.query.get("folder_id");
        const all = [...model.videos.values()]
          .reverse()
          .filter(
            (v) => (!title || v.title.includes(title)) && (!folderId || v.folderId === folderId),
          )
          .map((v) => ({
            id: v.id,
            title: v.title,
            status: model.videoStatus(v),
            created_at: Math.floor(v.createdAt / 1000),
            folder_id: v.folderId,
          }));
        return page(all, req, 100);
      },
    },
    {
      method: "GET",
      host: "api",
      api: "v1",
      pattern: /^\/v1\/video\.list$/,
      async handle(req) {
        const rawLimit = req.query.get("limit");
        const limit = rawLimit === null ? DEFAULT_LIMIT : Number(rawLimit);
        if (!Number.isInteger(limit) || limit < 0 || limit > 100) {
          return errorReply("v1", 400, 400175, "limit must be an integer from 0 to 100");
        }
        const token = req.query.get("token");
        const offset = token ? decodeToken(token) : 0;
        if (offset === null) return errorReply("v1", 400, 400175, "token is invalid");
        const folderId = req.query.get("folder_id");
        // Map insertion order is creation order: reversed, newest first.
        const all = [...model.videos.values()]
          .reverse()
          .filter((v) => !folderId || v.folderId === folderId);
        const page = all.slice(offset, offset + limit);
        const next = offset + page.length;
        return ok("v1", {
          token: limit > 0 && next < all.length ? encodeToken(next) : null,
          videos: page.map((v) => ({
            video_id: v.id,
            status: model.videoStatus(v),
            created_at: Math.floor(v.createdAt / 1000),
            type: "GENERATED",
            video_title: v.title,
          })),
        });
      },
    },
  ];
}
