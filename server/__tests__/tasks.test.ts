/**
 * Tasks through the real GraphQL server (issue 14): concurrent claims of a task's last slots (exactly as many win as
 * there are slots), concurrent reviews of one claim (one pays), and a staff member creating and reviewing a task.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { clientFor, createGuild, ledgerViolations, startTestServer, superuserPool, walletBalance } from "./helpers.ts";

const CLAIM = `mutation($taskId: BigInt!, $key: String) {
  claimTask(input: { taskId: $taskId, idempotencyKey: $key }) { taskClaim { id status deadline } }
}`;
const SUBMIT = `mutation($taskId: BigInt!, $text: String, $files: JSON) {
  submitTaskProof(input: { taskId: $taskId, proofText: $text, proofAttachments: $files }) { taskClaim { id status } }
}`;
const REVIEW = `mutation($claimId: BigInt!, $accept: Boolean!, $note: String, $key: String) {
  reviewTaskClaim(input: { claimId: $claimId, accept: $accept, note: $note, idempotencyKey: $key }) { taskClaim { id status txId } }
}`;

let server: Awaited<ReturnType<typeof startTestServer>>;
let db: pg.Pool;

beforeAll(async () => {
  db = superuserPool();
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await db?.end();
});

async function createTask(guildId: string, maxClaims: number | null, reward = 25): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    "insert into app_public.tasks (guild_id, name, reward, max_claims) values ($1, 'Race', $2, $3) returning id",
    [guildId, reward, maxClaims],
  );
  return rows[0].id;
}

describe("tasks against the real server", () => {
  it("20 members claiming the last slot at once: exactly one wins, 19 get TK002", async () => {
    const { guildId, memberIds } = await createGuild(db, 20);
    const taskId = await createTask(guildId, 1);
    const clients = await Promise.all(memberIds.map((discordId) => clientFor(server, { guildId, discordId, kind: "player" })));
    const results = await Promise.all(clients.map((c, i) => c.gql(CLAIM, { taskId, key: `race-${i}` })));
    const wins = results.filter((r) => r.data?.claimTask?.taskClaim?.status === "IN_PROGRESS");
    const codes = results.filter((r) => r.errors).map((r) => r.errors![0].extensions?.code);
    expect(wins).toHaveLength(1);
    expect(codes).toEqual(Array(19).fill("TK002"));
    const { rows } = await db.query("select count(*)::int as n from app_public.task_claims where task_id = $1", [taskId]);
    expect(rows[0].n).toBe(1);
  });

  it("30 members racing for 5 slots: exactly 5 claims", async () => {
    const { guildId, memberIds } = await createGuild(db, 30);
    const taskId = await createTask(guildId, 5);
    const clients = await Promise.all(memberIds.map((discordId) => clientFor(server, { guildId, discordId, kind: "player" })));
    const results = await Promise.all(clients.map((c) => c.gql(CLAIM, { taskId })));
    expect(results.filter((r) => r.data?.claimTask?.taskClaim).length).toBe(5);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === "TK002").length).toBe(25);
  });

  it("two reviewers accepting one proof at once pay once; the ledger verifies", async () => {
    const { guildId, memberIds } = await createGuild(db, 1);
    const taskId = await createTask(guildId, null, 40);
    const member = await clientFor(server, { guildId, discordId: memberIds[0], kind: "player" });
    const claimed = await member.gql(CLAIM, { taskId });
    expect(claimed.errors).toBeUndefined();
    const submitted = await member.gql(SUBMIT, { taskId, text: "done", files: [{ url: "https://cdn.example/proof.png", filename: "proof.png" }] });
    expect(submitted.data?.submitTaskProof?.taskClaim?.status).toBe("SUBMITTED");
    const claimId = submitted.data!.submitTaskProof.taskClaim.id;
    const staff = await Promise.all(
      ["901", "902"].map((n) => clientFor(server, { guildId, discordId: (BigInt(guildId) + BigInt(n)).toString(), kind: "staff", staffRole: "OPERATOR" })),
    );
    const results = await Promise.all(staff.map((s) => s.gql(REVIEW, { claimId, accept: true, note: "ok" })));
    expect(results.filter((r) => r.data?.reviewTaskClaim?.taskClaim?.status === "ACCEPTED")).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === "TK009")).toHaveLength(1);
    expect(await walletBalance(db, guildId, memberIds[0])).toBe(40);
    const { rows } = await db.query("select count(*)::int as n from app_public.transactions where guild_id = $1 and reason = 'task_reward'", [guildId]);
    expect(rows[0].n).toBe(1);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("staff create a task through GraphQL; a SUPPORT role may not review; a member may not create", async () => {
    const { guildId } = await createGuild(db, 1);
    const admin = await clientFor(server, { guildId, discordId: (BigInt(guildId) + 900n).toString(), kind: "staff", staffRole: "ADMIN" });
    const created = await admin.gql(`mutation($guildId: BigInt!) {
      createTask(input: { task: { guildId: $guildId, name: "Invite a friend", reward: "50", maxClaims: 3 } }) {
        task { id name syncState slotsTaken completedCount proofRequiredEffective }
      }
    }`, { guildId });
    expect(created.errors).toBeUndefined();
    expect(created.data?.createTask?.task).toMatchObject({ name: "Invite a friend", syncState: "pending", slotsTaken: 0, completedCount: 0, proofRequiredEffective: true });
    const support = await clientFor(server, { guildId, discordId: (BigInt(guildId) + 901n).toString(), kind: "staff", staffRole: "SUPPORT" });
    const refused = await support.gql(REVIEW, { claimId: "1", accept: true });
    expect(refused.errors?.[0]?.extensions?.code).toBe("PD001");
  });
});
