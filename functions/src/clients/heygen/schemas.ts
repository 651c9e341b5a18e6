/** zod pieces shared by the v2 and v3 response schemas. */
import { z } from "zod";

/** HeyGen sends missing URLs and names as null or leaves them out: both become null. */
export const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
