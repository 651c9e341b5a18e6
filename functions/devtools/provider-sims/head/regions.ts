/**
 * Which skin the jaw and the lips carry. The mouth is a cut between the corners: above
 * it nothing follows the jaw, below it everything does; beside the corners the cheeks
 * follow it gradually, and neither the back of the head nor the neck moves.
 */
import { MOUTH, smoothstep } from "./layout";
import { lipProfile } from "./features";

const LIP_BAND = 0.014;

/** The jaw's share of a skin point at rest (x, y, z); `rim` is its side of the mouth cut. */
export function jawWeight(x: number, y: number, z: number, rim: "upper" | "lower" | null): number {
  const smooth = smoothstep(MOUTH.y + 0.012, MOUTH.y - 0.016, y);
  const lips = lipProfile(x);
  const below = rim === "lower" || (rim === null && y < MOUTH.y) ? 1 : 0;
  const nearLips = 1 - smoothstep(0.008, 0.02, Math.abs(y - MOUTH.y));
  const cut = lips > 0 ? lips ** 0.35 * nearLips : 0;
  const w = smooth + (below - smooth) * cut;
  return w * smoothstep(-0.02, 0.02, z) * smoothstep(-0.165, -0.125, y);
}

/** How much the upper and the lower lip carry a skin point. */
export function lipWeights(
  x: number,
  y: number,
  z: number,
  rim: "upper" | "lower" | null,
): { upper: number; lower: number } {
  // Only the face has lips (the back of the head shares their x and y).
  const across = lipProfile(x) ** 0.5 * smoothstep(0.03, 0.05, z);
  const d = y - MOUTH.y;
  const upper = rim === "lower" ? 0 : d >= 0 && d < LIP_BAND ? across * (1 - d / LIP_BAND) ** 2 : 0;
  const lower =
    rim === "upper" ? 0 : d <= 0 && -d < LIP_BAND ? across * (1 + d / LIP_BAND) ** 2 : 0;
  return { upper, lower };
}
