/**
 * The worker process: `node server/src/worker-main.ts` (configuration from the environment; see
 * `server/src/worker/config.ts` and .env.example). Runs the server's background jobs with
 * graphile-worker as `coins_worker`.
 *
 * Exit codes: 0 after a graceful stop (SIGINT/SIGTERM: running jobs finish or are failed back to
 * the queue within WORKER_SHUTDOWN_TIMEOUT_MS); 1 when start-up fails or the runner dies; 2 on a
 * configuration error. A second signal during the stop exits at once with 1 (jobs still running
 * stay locked until graphile-worker releases them, and their orders settle through the escrow
 * timeout).
 */
import { createLogger, loadConfigOrExit, stopOnSignals } from "@guildbank/lib";
import { loadWorkerConfig } from "./worker/config.ts";
import { startWorker } from "./worker/index.ts";
import { installCrashAlerts } from "./alerts/index.ts";

const config = loadConfigOrExit(loadWorkerConfig);

const logger = createLogger("worker", config.LOG_LEVEL);
// Until the worker runs there is nobody to raise an alert through: fail fast.
const onEarlyRejection = (err: unknown) => {
  logger.fatal({ err }, "unhandled promise rejection");
  process.exit(1);
};
process.on("unhandledRejection", onEarlyRejection);

let worker: Awaited<ReturnType<typeof startWorker>>;
try {
  worker = await startWorker({ config, logger });
} catch (err) {
  logger.fatal({ err }, "worker failed to start");
  process.exit(1);
}
// From now on a crash raises a critical ops alert (posted to the alert webhook) before exiting.
process.off("unhandledRejection", onEarlyRejection);
installCrashAlerts({ alerter: worker.criticalAlerter, logger });

const signals = stopOnSignals(
  logger,
  async () => {
    await worker.stop();
    logger.info("worker stopped");
  },
  { secondSignal: "second signal: exiting without waiting for running jobs" },
);

worker.runner.promise.then(
  () => {
    if (!signals.stopping) {
      logger.error("the runner stopped on its own");
      void worker.stop().then(() => process.exit(1));
    }
  },
  (err: unknown) => {
    logger.fatal({ err }, "the runner failed");
    void worker.stop().then(() => process.exit(1));
  },
);
