/** Where a speech timeline is stored: JSON in Storage next to the audio it was computed from. */
export const timelinePathOf = (audioPath: string): string => `${audioPath}.timeline.json`;

export const isTimelineObject = (name: string): boolean => name.endsWith(".timeline.json");
