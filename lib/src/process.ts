import { ConfigError } from "./config.ts";
import type { Logger } from "./logger.ts";

/**
 * Loads a process's configuration at start-up, or ends the process on a configuration error:
 * the {@link ConfigError}'s message (every variable named) goes to stderr and the exit status is 2.
 *
 * @param load - the process's loader, e.g. `loadServerConfig` (reads `process.env`).
 * @returns the configuration `load` returned.
 * @throws whatever `load` throws other than a {@link ConfigError} (a bug, not a configuration error).
 */
export function loadConfigOrExit<C>(load: () => C): C {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

/** Options of {@link stopOnSignals}. */
export interface StopOnSignalsOptions {
  /**
   * A signal that arrives while the stop runs: unset, ignored; set, logged as this warning and the
   * process exits 1 at once (without waiting for the stop).
   */
  secondSignal?: string;
}

/**
 * Stops a long-running process gracefully on the first SIGINT or SIGTERM: logs `shutting down`
 * (with the signal), awaits `stop`, then exits 0. A `stop` that rejects is an unhandled rejection
 * (the process's own handler decides what follows).
 *
 * @param logger - where `shutting down` (info) and the second-signal warning go.
 * @param stop - closes what the process runs (runners, listeners, pools); may log its own lines.
 * @param options - what a second signal does ({@link StopOnSignalsOptions}).
 * @returns `stopping`: true from the first signal on (e.g. to tell a runner that ends because of
 *   the stop from one that died).
 */
export function stopOnSignals(
  logger: Logger,
  stop: (signal: NodeJS.Signals) => Promise<void>,
  options: StopOnSignalsOptions = {},
): { readonly stopping: boolean } {
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) {
        if (options.secondSignal === undefined) return;
        logger.warn({ signal }, options.secondSignal);
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, "shutting down");
      void stop(signal).then(() => process.exit(0));
    });
  }
  return {
    get stopping() {
      return stopping;
    },
  };
}
