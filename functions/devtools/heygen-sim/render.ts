/** Renders a real MP4 (H.264 + AAC) from the look's photo (or a plain frame) and the audio. */
import { ffmpeg } from "../sim-media/ffmpeg";

export async function renderVideo(input: {
  imageFile: string | null;
  audioFile: string;
  output: string;
}): Promise<number | null> {
  const picture = input.imageFile
    ? ["-loop", "1", "-framerate", "10", "-i", input.imageFile]
    : ["-f", "lavfi", "-i", "color=c=0x334455:s=320x240:r=10"];
  return ffmpeg([
    "-y",
    ...picture,
    "-i",
    input.audioFile,
    "-vf",
    "scale=320:-2,format=yuv420p",
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-tune",
    "stillimage",
    "-c:a",
    "aac",
    "-b:a",
    "64k",
    "-shortest",
    "-movflags",
    "+faststart",
    input.output,
  ]);
}
