/**
 * A headless Chromium for the end-to-end suite without system packages: the one shipped inside
 * the npm package `@sparticuz/chromium` (brotli-compressed: the binary, its SwiftShader GL
 * libraries, fonts, and the NSS/expat libraries it links against), unpacked once into
 * `.data/chromium/<version>/` and run with those libraries first on LD_LIBRARY_PATH, so it needs
 * nothing from the machine but glibc. `CHROMIUM_PATH` overrides it (e.g. /usr/bin/chromium).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createBrotliDecompress, brotliDecompressSync } from "node:zlib";
import tarStream from "tar-stream";

const ROOT_DIR = path.resolve(import.meta.dirname, "..");

/** How to launch the browser (playwright-core's `launch` options). */
export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
  env: Record<string, string>;
  /** "CHROMIUM_PATH" or "@sparticuz/chromium <version>". */
  source: string;
}

async function untarBrotli(file: string, dest: string): Promise<void> {
  const extract = tarStream.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const target = path.join(dest, header.name);
      if (!target.startsWith(dest)) return stream.resume(), next();
      if (header.type === "directory") {
        mkdirSync(target, { recursive: true });
        stream.resume();
        return next();
      }
      const chunks: Buffer[] = [];
      stream.on("data", (c) => {
        chunks.push(c as Buffer);
      });
      stream.on("end", () => {
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, Buffer.concat(chunks), { mode: header.mode ?? 0o644 });
        next();
      });
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  await pipeline(Readable.from([readFileSync(file)]), createBrotliDecompress(), extract);
  await done;
}

/**
 * Unpacks `@sparticuz/chromium` into `.data/chromium/<version>/` (once; atomically, as several
 * test processes may ask at the same time).
 *
 * @returns the launch options.
 * @throws when the package is not installed.
 */
export async function packagedChromium(rootDir = ROOT_DIR): Promise<ChromiumLaunch> {
  const require = createRequire(path.join(rootDir, "package.json"));
  let pkgJson: string;
  try {
    // Its exports hide package.json: walk up from the main module.
    let dir = path.dirname(require.resolve("@sparticuz/chromium"));
    while (!existsSync(path.join(dir, "package.json")) || !existsSync(path.join(dir, "bin"))) dir = path.dirname(dir);
    pkgJson = path.join(dir, "package.json");
  } catch {
    throw new Error("no browser for the end-to-end suite: the npm package @sparticuz/chromium is not installed (npm install), and CHROMIUM_PATH is not set");
  }
  const version = JSON.parse(readFileSync(pkgJson, "utf8")).version as string;
  const bin = path.join(path.dirname(pkgJson), "bin");
  const dir = path.join(rootDir, ".data/chromium", version);
  const exe = path.join(dir, "chromium");
  if (!existsSync(path.join(dir, ".complete"))) {
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    writeFileSync(path.join(tmp, "chromium"), brotliDecompressSync(readFileSync(path.join(bin, "chromium.br"))), { mode: 0o755 });
    await untarBrotli(path.join(bin, "swiftshader.tar.br"), tmp); // libGLESv2.so, libEGL.so, libvk_swiftshader.so beside the binary
    await untarBrotli(path.join(bin, "al2023.tar.br"), tmp); // lib/: libnss3, libnspr4, libexpat, …
    await untarBrotli(path.join(bin, "fonts.tar.br"), tmp); // fonts/
    writeFileSync(
      path.join(tmp, "fonts.conf"),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${path.join(dir, "fonts")}</dir><cachedir>${path.join(dir, "fontcache")}</cachedir></fontconfig>\n`,
    );
    writeFileSync(path.join(tmp, ".complete"), version);
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process unpacked it first
    }
  }
  return {
    executablePath: exe,
    // @sparticuz/chromium's flags for its build (SwiftShader GL, no sandbox), without the
    // single-process ones it uses on AWS Lambda (with them, a second browser context never renders);
    // the GPU (SwiftShader) stays in the browser process.
    args: [
      "--no-sandbox",
      "--disable-setuid-sandbox",
      "--disable-dev-shm-usage",
      "--use-gl=angle",
      "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader",
      "--in-process-gpu",
      "--font-render-hinting=none",
    ],
    env: {
      ...(process.env as Record<string, string>),
      LD_LIBRARY_PATH: [path.join(dir, "lib"), process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
      FONTCONFIG_FILE: path.join(dir, "fonts.conf"),
    },
    source: `@sparticuz/chromium ${version}`,
  };
}

/**
 * The browser for the end-to-end suite: `CHROMIUM_PATH` when set, else the packaged one.
 *
 * @throws with one line saying what to do when there is none.
 */
export async function resolveChromium(rootDir = ROOT_DIR): Promise<ChromiumLaunch> {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) throw new Error(`CHROMIUM_PATH=${override} does not exist: unset it to use the Chromium of the npm package @sparticuz/chromium`);
    return { executablePath: override, args: ["--no-sandbox", "--disable-dev-shm-usage"], env: process.env as Record<string, string>, source: "CHROMIUM_PATH" };
  }
  return packagedChromium(rootDir);
}

/**
 * Starts the browser once with `--version` (a missing library shows here, in a second, rather
 * than minutes into the suite).
 *
 * @returns its version line.
 * @throws with the loader's message.
 */
export function chromiumVersion(launch: ChromiumLaunch): string {
  try {
    return execFileSync(launch.executablePath, ["--version", ...launch.args.filter((a) => a === "--no-sandbox")], {
      env: launch.env,
      encoding: "utf8",
      timeout: 30_000,
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? "").trim().split("\n").filter(Boolean).pop();
    throw new Error(`the browser ${launch.executablePath} (${launch.source}) does not start: ${stderr ?? (err as Error).message}`);
  }
}
