// Raw MQTT bytes for tests that write packets by hand (frame limits, hostile clients).

/** The MQTT remaining-length varint (MQTT 3.1.1 section 2.2.3). */
export function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}

/** A packet's fixed header: its first byte (type and flags) and the remaining length it declares. */
export function fixedHeader(firstByte: number, length: number): Buffer {
  return Buffer.concat([Buffer.from([firstByte]), remainingLength(length)]);
}
