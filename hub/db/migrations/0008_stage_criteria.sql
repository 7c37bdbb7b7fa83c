-- 0008: entry and exit criteria of stages (hub/rollout/criteria.ts). The criteria themselves live in each stage's
-- spec_json (resolved from the plan); these columns hold what happens to them while the rollout runs.
-- Forward-only: never edit once committed.

-- Entry approval (`entry: [{approval: true}]`): who approved the stage's start with `verge rollout promote`, and when.
ALTER TABLE rollout_stages ADD COLUMN entry_approved_at INTEGER;
ALTER TABLE rollout_stages ADD COLUMN entry_approved_by TEXT;
-- `verge rollout promote --force` on a stage held by its entry criteria: it starts without them.
ALTER TABLE rollout_stages ADD COLUMN entry_forced_at INTEGER;
-- What holds the stage now, as of the last evaluation: JSON {phase, criterion, since, unmet: [...]}, NULL when nothing
-- does. The engine writes a criteria_waiting event when this starts or names another criterion, criteria_met when it
-- clears.
ALTER TABLE rollout_stages ADD COLUMN criteria_waiting_json TEXT;
