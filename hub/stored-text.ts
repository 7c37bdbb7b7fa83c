// Free text a device sends (a transition's reason and detail, a command ack's reason and detail) and the hub's own
// rejection details is stored cut to MAX_STORED_TEXT_BYTES of UTF-8, so one message cannot put a 164 KB row in the
// database and in every answer that lists it. The cut falls on a character boundary and ends with a marker that
// says how much was cut.

/** The most UTF-8 bytes of one stored free-text field, the marker included. */
export const MAX_STORED_TEXT_BYTES = 2048;

const marker = (cut: number) => `… [cut ${cut} bytes]`;

/** `text` when it fits in `maxBytes` of UTF-8, else its head cut on a character boundary plus a marker, within `maxBytes`. */
export function cutText(text: string, maxBytes: number = MAX_STORED_TEXT_BYTES): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  // The marker's length depends on the number it shows; the widest (every byte cut) bounds it.
  let end = Math.max(0, maxBytes - Buffer.byteLength(marker(bytes.length)));
  // Back off continuation bytes (10xxxxxx) so the head ends on a whole character.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8") + marker(bytes.length - end);
}

/** cutText for optional fields: null and "" stay as they are. */
export function cutOptional(text: string | null): string | null {
  return text ? cutText(text) : text;
}
