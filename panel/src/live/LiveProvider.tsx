import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { useRefresh } from "react-admin";
import { gql } from "../lib/api.ts";
import { setCurrencyDisplay } from "../lib/amounts.ts";
import type { CurrencyDisplay } from "@guildbank/lib/money";

const CurrencyContext = createContext<CurrencyDisplay | undefined>(undefined);

/**
 * The guild's currency name and symbol (issue 14). Amount fields call it so that they render again
 * once the display is loaded (the formatter itself reads it from `setCurrencyDisplay`).
 */
export function useCurrencyDisplay(): CurrencyDisplay | undefined {
  return useContext(CurrencyContext);
}

/** A transaction as the live stream sends it (the row, snake_case). */
export interface TxEvent {
  tx_id: string;
  seq: number;
  type: string;
  actor_id: string | null;
  user_id: number | null;
  counterparty_id: number | null;
  /** Minor units of `currency`. */
  amount: number;
  /** The currency code (COIN, MCD). */
  currency: string;
  reason: string;
  created_at: string;
  meta: Record<string, unknown>;
}

/** An ops alert as the live stream sends it. */
export interface AlertEvent {
  id: number;
  severity: "info" | "warning" | "critical";
  kind: string;
  message: string;
  created_at: string;
  acknowledged_at: string | null;
}

/** Queue totals over every task. */
export interface QueueTotals {
  ready: number;
  scheduled: number;
  running: number;
  failed: number;
}

/** A community change as `/streams/community` sends it (issue 14): task, claim, stock or announcement. */
export interface CommunityEvent {
  id: number;
  kind: "task" | "task_claim" | "stock" | "announcement";
  subject_id: string;
  change: "create" | "update" | "delete";
  data: Record<string, unknown>;
  created_at: string;
}

interface Live {
  transactions: TxEvent[];
  /** Community changes received since the panel opened (newest first). */
  community: CommunityEvent[];
  alerts: AlertEvent[];
  /** Unacknowledged alerts (stream + last poll). */
  openAlerts: number;
  queue: QueueTotals | null;
  connected: boolean;
}

const LiveContext = createContext<Live>({ transactions: [], community: [], alerts: [], openAlerts: 0, queue: null, connected: false });

/** The live state: transaction feed, alerts, queue badges. */
export function useLive(): Live {
  return useContext(LiveContext);
}

const KEEP = 50;

/**
 * Subscribes to `/streams/tx` and `/streams/alerts` (Server-Sent Events; the browser resumes with
 * Last-Event-ID after a drop, and events are de-duplicated by id) and polls the queue status and
 * the count of open alerts every 10 s.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [transactions, setTransactions] = useState<TxEvent[]>([]);
  const [alerts, setAlerts] = useState<AlertEvent[]>([]);
  const [openAlerts, setOpenAlerts] = useState(0);
  const [queue, setQueue] = useState<QueueTotals | null>(null);
  const [connected, setConnected] = useState(false);
  const seen = useRef(new Set<string>());
  const [community, setCommunity] = useState<CommunityEvent[]>([]);
  const refresh = useRefresh();
  const refreshRef = useRef(refresh);
  const pending = useRef(false);
  refreshRef.current = refresh;

  // Issue 14: task claims, stock changes and announcement states reach open pages without a reload.
  useEffect(() => {
    const es = new EventSource("/streams/community?backlog=0&events=task,task_claim,stock,announcement");
    es.addEventListener("community", (e) => {
      const row = JSON.parse((e as MessageEvent).data) as CommunityEvent;
      if (seen.current.has(`c${row.id}`)) return;
      seen.current.add(`c${row.id}`);
      setCommunity((prev) => [row, ...prev].slice(0, KEEP));
      // Open lists and records refetch (react-admin's refresh: every active query), coalesced per animation frame.
      if (!pending.current) {
        pending.current = true;
        requestAnimationFrame(() => {
          pending.current = false;
          refreshRef.current();
        });
      }
    });
    return () => es.close();
  }, []);

  // The guild's currency name and symbol for every amount shown (issue 14).
  const [display, setDisplay] = useState<CurrencyDisplay | undefined>(undefined);
  useEffect(() => {
    gql<{ guildFeatures: { currencyName: string; currencySymbol: string } | null }>("{ guildFeatures }")
      .then((d) => {
        const value = d.guildFeatures ? { name: d.guildFeatures.currencyName, symbol: d.guildFeatures.currencySymbol } : undefined;
        setCurrencyDisplay(value);
        setDisplay(value);
      })
      .catch(() => {});
  }, []);

  useEffect(() => {
    const tx = new EventSource("/streams/tx?backlog=20");
    tx.addEventListener("tx", (e) => {
      const row = JSON.parse((e as MessageEvent).data) as TxEvent;
      if (seen.current.has(row.tx_id)) return;
      seen.current.add(row.tx_id);
      setTransactions((prev) => [row, ...prev].slice(0, KEEP));
    });
    tx.addEventListener("ready", () => setConnected(true));
    tx.addEventListener("reset", () => setTransactions([]));
    tx.onerror = () => setConnected(false);
    const al = new EventSource("/streams/alerts?backlog=10");
    al.addEventListener("alert", (e) => {
      const row = JSON.parse((e as MessageEvent).data) as AlertEvent;
      if (seen.current.has(`a${row.id}`)) return;
      seen.current.add(`a${row.id}`);
      setAlerts((prev) => [row, ...prev].slice(0, KEEP));
      if (!row.acknowledged_at) setOpenAlerts((n) => n + 1);
    });
    return () => {
      tx.close();
      al.close();
    };
  }, []);

  useEffect(() => {
    let stop = false;
    const poll = async () => {
      try {
        const d = await gql<{ queueStatus: { nodes: QueueTotals[] }; opsAlerts: { totalCount: number } }>(
          `{ queueStatus { nodes { ready scheduled running failed } } opsAlerts(filter: { acknowledgedAt: { isNull: true } }) { totalCount } }`,
        );
        if (stop) return;
        const sum = (k: keyof QueueTotals) => d.queueStatus.nodes.reduce((a, n) => a + Number(n[k]), 0);
        setQueue({ ready: sum("ready"), scheduled: sum("scheduled"), running: sum("running"), failed: sum("failed") });
        setOpenAlerts(d.opsAlerts.totalCount);
      } catch {
        // The badges keep their last value; the next poll retries.
      }
    };
    void poll();
    const t = setInterval(poll, 10_000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, []);

  return <LiveContext.Provider value={{ transactions, community, alerts, openAlerts, queue, connected }}>
      <CurrencyContext.Provider value={display}>{children}</CurrencyContext.Provider>
    </LiveContext.Provider>;
}
