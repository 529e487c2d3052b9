"""The review queue's pure logic: item kinds and actions, the lifecycle state machine, the clock, what each
reason family falls back to, priorities and which scores ask for a person. No database, no Dagster."""
