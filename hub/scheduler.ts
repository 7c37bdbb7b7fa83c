// The hub's clocks: node-cron ticks run a job, never two at once. The rollout scheduler evaluates every rollout that
// needs it (rules, timers, stage progress; events such as telemetry, verbs and incidents evaluate in between); the
// retention job trims old history.
import cron from "node-cron";
import type { ScheduledTask } from "node-cron";
import type { Logger } from "pino";

export class RolloutScheduler {
  private task: ScheduledTask | undefined;
  private running = false;
  /** Ticks skipped because the previous run was still going. */
  skipped = 0;

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
        // Never two runs at once. Done here rather than with node-cron's noOverlap, which prints a warning on stderr
        // for every skipped tick (a slow evaluation under load is expected, not an error).
        if (this.running) {
          this.skipped++;
          this.logger.debug({ job: this.name, skipped: this.skipped }, "previous run still going, tick skipped");
          return;
        }
        this.running = true;
        try {
          await this.tick();
        } catch (err) {
          this.logger.error({ err, job: this.name }, "scheduled job failed");
        } finally {
          this.running = false;
        }
      },
      { name: this.name, suppressMissedWarning: true, unref: true },
    );
    this.logger.info({ cron: this.expression, job: this.name }, "scheduler started");
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = undefined;
  }
}
