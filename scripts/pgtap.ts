/**
 * pgTAP for the embedded PostgreSQL, without system packages: pgTAP is plain SQL (a control file
 * and `pgtap--<version>.sql`), published by Debian as `postgresql-15-pgtap` (architecture all).
 * The pinned .deb is fetched once from the Debian mirror the machine's apt sources name (or
 * deb.debian.org), checked against its SHA-256, cached under `.data/cache/`, and its extension
 * files are copied into the embedded server's `share/postgresql/extension/`. Nothing is
 * committed: the .deb is read with an ar reader (below, the format is three fields), xz-decompress
 * (WebAssembly) and tar-stream.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import xzDecompress from "xz-decompress";
import tarStream from "tar-stream";

/** The pinned package: Debian 12's pgTAP 1.2.0 (the version the machine's PostgreSQL 15 has). */
export const PGTAP_DEB = {
  file: "postgresql-15-pgtap_1.2.0-3_all.deb",
  pool: "pool/main/p/pgtap",
  sha256: "eb2e8de6d1a66c6d7c8d91f442033d2a4948538026e86ecfb63e641f88ff2e4d",
  version: "1.2.0",
};

/** The Debian mirror from apt's sources (deb822 `URIs:` or one-line `deb` entries), else deb.debian.org. */
export function debianMirror(): string {
  const files: string[] = [];
  if (existsSync("/etc/apt/sources.list")) files.push("/etc/apt/sources.list");
  if (existsSync("/etc/apt/sources.list.d")) {
    for (const f of readdirSync("/etc/apt/sources.list.d")) if (/\.(list|sources)$/.test(f)) files.push(path.join("/etc/apt/sources.list.d", f));
  }
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    const uris = [...text.matchAll(/^\s*URIs:\s*(\S+)/gm), ...text.matchAll(/^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)/gm)].map((m) => m[1]);
    const debian = uris.find((u) => /^https?:\/\//.test(u) && /\/debian\/?$/.test(u));
    if (debian) return debian.replace(/\/$/, "");
  }
  return "http://deb.debian.org/debian";
}

/** The members of an ar archive (a .deb): name → bytes. */
export function readAr(buf: Buffer): Map<string, Buffer> {
  if (buf.subarray(0, 8).toString("latin1") !== "!<arch>\n") throw new Error("not an ar archive");
  const out = new Map<string, Buffer>();
  let off = 8;
  while (off + 60 <= buf.length) {
    const name = buf.subarray(off, off + 16).toString("latin1").trim().replace(/\/$/, "");
    const size = Number(buf.subarray(off + 48, off + 58).toString("latin1").trim());
    off += 60;
    out.set(name, buf.subarray(off, off + size));
    off += size + (size % 2);
  }
  return out;
}

/** The .deb's bytes: from the cache, else from the mirror (checked against the pinned SHA-256). */
export async function pgTapDeb(cacheDir: string): Promise<Buffer> {
  const cached = path.join(cacheDir, PGTAP_DEB.file);
  const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
  if (existsSync(cached)) {
    const b = readFileSync(cached);
    if (sha(b) === PGTAP_DEB.sha256) return b;
  }
  const url = `${debianMirror()}/${PGTAP_DEB.pool}/${PGTAP_DEB.file}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new Error(`could not fetch pgTAP from ${url} (${(err as Error).message}); set TEST_DATABASE_URL to a server that has pgTAP`);
  }
  if (!res.ok) throw new Error(`could not fetch pgTAP from ${url}: HTTP ${res.status}; set TEST_DATABASE_URL to a server that has pgTAP`);
  const b = Buffer.from(await res.arrayBuffer());
  if (sha(b) !== PGTAP_DEB.sha256) throw new Error(`${url} does not have the expected SHA-256 (${PGTAP_DEB.sha256})`);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(`${cached}.${process.pid}`, b);
  renameSync(`${cached}.${process.pid}`, cached);
  return b;
}

/** The extension files (`pgtap.control`, `pgtap*.sql`) of the .deb: name → contents. */
export async function pgTapFiles(deb: Buffer): Promise<Map<string, Buffer>> {
  const members = readAr(deb);
  const data = members.get("data.tar.xz");
  if (!data) throw new Error(`the pgTAP package has no data.tar.xz (members: ${[...members.keys()].join(", ")})`);
  const xz = new xzDecompress.XzReadableStream(new Blob([new Uint8Array(data)]).stream());
  const tar = Buffer.from(await new Response(xz).arrayBuffer());
  const files = new Map<string, Buffer>();
  const extract = tarStream.extract();
  await new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c) => {
        chunks.push(c as Buffer);
      });
      stream.on("end", () => {
        const m = /\/extension\/(pgtap[^/]*\.(?:control|sql))$/.exec(header.name);
        if (m && header.type === "file") files.set(m[1], Buffer.concat(chunks));
        next();
      });
      stream.resume();
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
    Readable.from([tar]).pipe(extract);
  });
  if (!files.has("pgtap.control")) throw new Error("the pgTAP package has no pgtap.control");
  return files;
}

/**
 * Makes `create extension pgtap` work on the embedded server: copies pgTAP's files into its
 * `share/postgresql/extension/` unless they are there.
 *
 * @param shareDir - the server's `share/postgresql`.
 * @param cacheDir - where the .deb is kept between runs.
 * @returns "present", "installed" (from the cached .deb) or "fetched" (downloaded, then installed).
 */
export async function installPgTap(shareDir: string, cacheDir: string): Promise<"present" | "installed" | "fetched"> {
  const extDir = path.join(shareDir, "extension");
  if (existsSync(path.join(extDir, "pgtap.control")) && existsSync(path.join(extDir, `pgtap--${PGTAP_DEB.version}.sql`))) return "present";
  const cached = existsSync(path.join(cacheDir, PGTAP_DEB.file));
  const files = await pgTapFiles(await pgTapDeb(cacheDir));
  // The control file last: the extension is visible only once its SQL is in place.
  for (const [name, body] of [...files].sort(([a], [b]) => Number(a === "pgtap.control") - Number(b === "pgtap.control"))) {
    const tmp = path.join(extDir, `.${name}.${process.pid}`);
    writeFileSync(tmp, body);
    renameSync(tmp, path.join(extDir, name));
  }
  return cached ? "installed" : "fetched";
}
