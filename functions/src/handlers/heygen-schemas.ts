/** Request schemas of the HeyGen endpoints (validated at the edge; the OpenAPI source). */
import { z } from "zod";

const dimension = z
  .number()
  .int()
  .min(128)
  .max(4096)
  .refine((n) => n % 2 === 0, { message: "must be even" });

export const generateBody = z
  .object({
    projectId: z.string().min(1).max(200),
    voiceUrl: z.string().min(1).max(2048).optional(),
    userAvatarUrl: z.string().min(1).max(2048).optional(),
    heygenAvatarId: z.string().min(1).max(200).optional(),
    width: dimension.optional(),
    height: dimension.optional(),
    avatarStyle: z.enum(["normal", "closeUp", "circle"]).optional(),
  })
  .strict();

export const videoStatusQuery = z.object({ video_id: z.string().min(1).max(200) });
