/** The parts of a multipart body (GCS JSON API and Firebase Storage REST uploads), headers lower-cased. */
export function splitMultipart(
  body: Buffer,
  boundary: string,
): { headers: Record<string, string>; body: Buffer }[] {
  const delim = Buffer.from(`--${boundary}`);
  const parts: { headers: Record<string, string>; body: Buffer }[] = [];
  let pos = body.indexOf(delim);
  while (pos >= 0) {
    const next = body.indexOf(delim, pos + delim.length);
    if (next < 0) break;
    const chunk = body.subarray(pos + delim.length, next);
    const headerEnd = chunk.indexOf("\r\n\r\n");
    if (headerEnd >= 0) {
      const headers: Record<string, string> = {};
      for (const line of chunk.subarray(0, headerEnd).toString("utf8").split("\r\n")) {
        const i = line.indexOf(":");
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let content = chunk.subarray(headerEnd + 4);
      if (content.subarray(-2).toString() === "\r\n") content = content.subarray(0, -2);
      parts.push({ headers, body: content });
    }
    pos = next;
  }
  return parts;
}
