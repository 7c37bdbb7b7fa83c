// The hub's clocks: node-cron ticks run a job, never two at once. The rollout scheduler evaluates every rollout that
// needs it (rules, timers, stage progress; events such as telemetry, verbs and incidents evaluate in between); the
// retention job trims old history.
import cron from "node-cron";
import type { ScheduledTask } from "node-cron";
import type { Logger } from "pino";

export class RolloutScheduler {
  private task: ScheduledTask | undefined;

  constructor(
    private readonly expression: string,
    private readonly tick: () => Promise<void>,
    private readonly logger: Logger,
    private readonly name = "verge-rollouts",
  ) {}

  start(): void {
    this.task = cron.schedule(
      this.expression,
      async () => {
        try {
          await this.tick();
        } catch (err) {
          this.logger.error({ err, job: this.name }, "scheduled job failed");
        }
      },
      { name: this.name, noOverlap: true, suppressMissedWarning: true, unref: true },
    );
    this.logger.info({ cron: this.expression, job: this.name }, "scheduler started");
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = undefined;
  }
}
