import { BUS_SCHEMA, type Logger } from "@retailer/kit";
import type { Kysely } from "kysely";
import { fromKysely, type JobWithMetadata, PgBoss, type QueueOptions } from "pg-boss";

/**
 * A small job-queue API over pg-boss, in the bus schema kit's EventBus
 * installs: queues of our own (not domain events), jobs enqueued inside a
 * caller's transaction, workers that settle each job as completed, failed
 * (retried with the queue's backoff) or dead-lettered at once.
 *
 * Candidate for packages/kit (e.g. `EventBus.jobs`): it is written against
 * pg-boss only, so it can move there unchanged.
 */
export interface JobQueueOptions {
  url: string;
  service: string;
  log: Logger;
  poolMax?: number;
}

export interface QueueSettings {
  /** Attempts after the first. */
  retryLimit: number;
  /** First retry delay in seconds; doubles (with jitter) each retry. */
  retryDelay: number;
  retryDelayMax: number;
  /** Where a job goes after its last attempt, or when a worker dead-letters it. */
  deadLetter: string;
  /** How long a job may run before pg-boss considers it lost and retries it. */
  expireInSeconds?: number;
}

/** How a worker settles a job: done, try again later (while retries remain), or give up now. */
export type JobOutcome =
  | { status: "completed" }
  | { status: "retry"; error: string }
  | { status: "dead"; error: string };

export interface JobInfo<T> {
  id: string;
  data: T;
  /** 0 on the first attempt. */
  retryCount: number;
  retryLimit: number;
}

export interface WorkSettings {
  concurrency: number;
  /** How often to look for retries that came due (NOTIFY only announces new jobs); seconds, >= 1. */
  pollSeconds: number;
}

export class JobQueue {
  readonly #boss: PgBoss;
  readonly #log: Logger;

  constructor(options: JobQueueOptions) {
    this.#log = options.log;
    this.#boss = new PgBoss({
      connectionString: options.url,
      schema: BUS_SCHEMA,
      max: options.poolMax ?? 3,
      application_name: `retailer-${options.service}-jobs`,
      useListenNotify: true,
      // kit's EventBus installs and migrates the schema and runs cron; this instance only works queues.
      migrate: false,
      schedule: false,
    });
    this.#boss.on("error", (error) => options.log.error({ err: error }, "job queue error"));
  }

  async start(): Promise<void> {
    await this.#boss.start();
  }

  async stop(): Promise<void> {
    await this.#boss.stop({ graceful: true, timeout: 5_000 });
  }

  /** Creates the queue and its dead-letter queue, or brings an existing queue's retry settings up to date. */
  async ensureQueue(name: string, settings: QueueSettings): Promise<void> {
    if (!(await this.#boss.getQueue(settings.deadLetter))) {
      await this.#boss.createQueue(settings.deadLetter, {});
    }
    const options: QueueOptions = {
      retryLimit: settings.retryLimit,
      retryDelay: settings.retryDelay,
      retryBackoff: true,
      retryDelayMax: settings.retryDelayMax,
      ...(settings.expireInSeconds ? { expireInSeconds: settings.expireInSeconds } : {}),
    };
    if (await this.#boss.getQueue(name)) {
      await this.#boss.updateQueue(name, { ...options, deadLetter: settings.deadLetter, notify: true });
    } else {
      await this.#boss.createQueue(name, { ...options, deadLetter: settings.deadLetter, notify: true });
    }
  }

  /**
   * Enqueues a job; with `trx`, inside that transaction, so it exists if and
   * only if the transaction commits. Returns the job's id.
   */
  async send<T extends object>(
    name: string,
    data: T,
    // biome-ignore lint/suspicious/noExplicitAny: any service's transaction
    options: { trx?: Kysely<any>; deleteAfterSeconds?: number } = {},
  ): Promise<string | null> {
    return this.#boss.send(name, data, {
      ...(options.trx ? { db: fromKysely(options.trx) } : {}),
      ...(options.deleteAfterSeconds !== undefined ? { deleteAfterSeconds: options.deleteAfterSeconds } : {}),
    });
  }

  /** Runs `handler` for each job of `name`; its outcome settles the job. A throw counts as "retry". */
  async work<T>(
    name: string,
    settings: WorkSettings,
    handler: (job: JobInfo<T>) => Promise<JobOutcome>,
  ): Promise<void> {
    const log = this.#log.child({ queue: name });
    const poll = Math.max(1, settings.pollSeconds);
    const options = {
      batchSize: 1,
      includeMetadata: true,
      perJobResults: true,
      localConcurrency: settings.concurrency,
      pollingIntervalSeconds: Math.min(poll, 2),
      notifyPollingIntervalSeconds: Math.min(poll, 30),
    } as const;
    await this.#boss.work<T, unknown, typeof options>(name, options, async (jobs: JobWithMetadata<T>[]) =>
      Promise.all(
        jobs.map(async (job) => {
          let outcome: JobOutcome;
          try {
            outcome = await handler({
              id: job.id,
              data: job.data,
              retryCount: job.retryCount,
              retryLimit: job.retryLimit,
            });
          } catch (error) {
            log.error({ err: error, jobId: job.id }, "job failed");
            outcome = { status: "retry", error: error instanceof Error ? error.message : String(error) };
          }
          if (outcome.status === "completed") return { id: job.id, status: "completed" as const };
          return {
            id: job.id,
            status: outcome.status === "retry" ? ("failed" as const) : ("deadletter" as const),
            output: { error: outcome.error },
          };
        }),
      ),
    );
  }
}
