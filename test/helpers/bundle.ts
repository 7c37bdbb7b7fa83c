// Opens a diagnostics bundle (gzip'd tar) the way a person would with `tar xzf`: file names (below the bundle's top
// directory) to their text.
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { extract } from "tar-stream";

export async function readBundle(bytes: Uint8Array): Promise<{ top: string; files: Map<string, string> }> {
  const files = new Map<string, string>();
  let top = "";
  const tar = extract();
  const done = (async () => {
    for await (const entry of tar) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk);
      const [first, ...rest] = entry.header.name.split("/");
      top = first ?? "";
      files.set(rest.join("/"), Buffer.concat(chunks).toString("utf8"));
    }
  })();
  Readable.from([Buffer.from(bytes)]).pipe(createGunzip()).pipe(tar);
  await done;
  return { top, files };
}
