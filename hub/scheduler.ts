// The rollout scheduler: node-cron ticks evaluate every rollout that needs it (rules, timers, stage progress).
// Events (telemetry, operator verbs, incidents) evaluate in between; this is the clock for everything time-based.
import cron from "node-cron";
import type { ScheduledTask } from "node-cron";
import type { Logger } from "pino";

export class RolloutScheduler {
  private task: ScheduledTask | undefined;

  constructor(
    private readonly expression: string,
    private readonly tick: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.task = cron.schedule(
      this.expression,
      async () => {
        try {
          await this.tick();
        } catch (err) {
          this.logger.error({ err }, "scheduled rollout evaluation failed");
        }
      },
      { name: "verge-rollouts", noOverlap: true, suppressMissedWarning: true, unref: true },
    );
    this.logger.info({ cron: this.expression }, "rollout scheduler started");
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = undefined;
  }
}
